"""Goods (物品): stock per item and the in/out slips (物品出入单)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import JSONBody

from trustfund.api.access import estate_route
from trustfund.api.common import Ctx
from trustfund.auth.principal import Action
from trustfund.settlements import goods, service
from trustfund.settlements.schemas import GoodsSlipIn, GoodsSlipOut, GoodsStockOut


class GoodsController(Controller):
    path = "/api/v1/estates/{estate_slug:str}"
    tags = ["settlements"]

    @estate_route(get, "/goods", Action.READ)
    def goods_stock(self, ctx: Ctx) -> list[GoodsStockOut]:
        """Stock per item: received, issued, in stock."""
        return goods.stock(ctx.session, ctx.estate.id)

    @estate_route(get, "/goods/slips", Action.READ)
    def goods_slips(self, ctx: Ctx) -> list[GoodsSlipOut]:
        """Goods in/out slips (物品出入单)."""
        return goods.list_slips(ctx.session, ctx.estate.id)

    @estate_route(
        post,
        "/goods/slips",
        Action.RECORD,
        description="purchase / donation (in), issue (out); issuing more than in stock is a "
        "422 on quantity.",
    )
    def record_slip(self, ctx: Ctx, data: JSONBody[GoodsSlipIn]) -> GoodsSlipOut:
        """Record a goods slip."""
        return service.record_slip(ctx.session, ctx.estate.id, data, ctx.user_id)
