"""Vouchers (凭证): the original file and its thumbnail for staff, marking one free of
personal data; for residents its number, hash and a public file (a placeholder until it is
marked public)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody
from sqlalchemy.orm import Session

from trustfund.api.access import estate_route, public
from trustfund.api.common import Ctx, file_response
from trustfund.api.common import public_estate as estate_named
from trustfund.auth.principal import Action
from trustfund.settings import Settings
from trustfund.settlements import service, vouchers
from trustfund.settlements.schemas import VoucherOut, VoucherPublicIn

IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(name="If-None-Match", required=False, description="An ETag this answer gave"),
]


class VouchersController(Controller):
    path = "/api/v1/estates/{estate_slug:str}"
    tags = ["settlements"]

    @estate_route(
        get,
        "/vouchers/{voucher_id:int}",
        Action.READ,
        media_type="*/*",  # the file's own type: image/jpeg, image/png or application/pdf
    )
    def download_voucher(
        self, ctx: Ctx, settings: NamedDependency[Settings], voucher_id: FromPath[int]
    ) -> Response[bytes]:
        """The original file (staff only), checked against its hash."""
        voucher = vouchers.get_voucher(ctx.session, ctx.estate.id, voucher_id)
        return file_response(
            vouchers.read_original(settings.var_dir, voucher),
            voucher.content_type,
            voucher.number,
            "inline",
            headers={"X-Content-SHA256": voucher.sha256},
        )

    @estate_route(
        get,
        "/vouchers/{voucher_id:int}/thumbnail",
        Action.READ,
        media_type="image/png",
        description="A photo's thumbnail (PNG, at most 800 px, no EXIF), public or not; 404 "
        "for a PDF.",
    )
    def voucher_thumbnail(
        self, ctx: Ctx, settings: NamedDependency[Settings], voucher_id: FromPath[int]
    ) -> Response[bytes]:
        """The thumbnail staff pages show (staff only)."""
        voucher = vouchers.get_voucher(ctx.session, ctx.estate.id, voucher_id)
        return Response(
            vouchers.staff_thumbnail(settings.var_dir, voucher),
            media_type="image/png",
            headers={"Cache-Control": "private, max-age=86400"},
        )

    @estate_route(
        put,
        "/vouchers/{voucher_id:int}/public",
        Action.APPROVE,
        description="Mark a voucher free of personal data (the public then sees a thumbnail "
        "without EXIF, or the PDF) or withdraw that.",
    )
    def mark_voucher(
        self, ctx: Ctx, voucher_id: FromPath[int], data: JSONBody[VoucherPublicIn]
    ) -> VoucherOut:
        """Decide whether the public may see a voucher."""
        return service.mark_voucher(ctx.session, ctx.estate.id, voucher_id, data.public)


class PublicVouchersController(Controller):
    path = "/api/v1/public/estates/{estate_slug:str}"
    tags = ["public"]

    @get("/vouchers/{voucher_id:int}", opt=public(), sync_to_thread=True)
    def voucher(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        voucher_id: FromPath[int],
    ) -> VoucherOut:
        """A voucher's number, hash, type and size (verify a copy by its sha256)."""
        estate = estate_named(db_session, estate_slug)
        return vouchers.voucher_view(
            vouchers.get_voucher(db_session, estate.id, voucher_id), staff=False
        )

    @get(
        "/vouchers/{voucher_id:int}/file",
        opt=public(),
        sync_to_thread=True,
        media_type="*/*",  # image/png (placeholder or thumbnail) or application/pdf
    )
    def voucher_file(
        self,
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate_slug: FromPath[str],
        voucher_id: FromPath[int],
        if_none_match: IfNoneMatch = None,
    ) -> Response[bytes]:
        """A placeholder while the voucher may contain personal data; once staff marked it
        public, a thumbnail without EXIF (images, rendered once at upload) or the PDF.
        Carries an ETag: with ``If-None-Match`` the answer is 304 when nothing changed."""
        estate = estate_named(db_session, estate_slug)
        voucher = vouchers.get_voucher(db_session, estate.id, voucher_id)
        etag = vouchers.public_etag(voucher)
        headers = {"ETag": etag, "Cache-Control": "public, no-cache"}
        if if_none_match is not None and etag in (t.strip() for t in if_none_match.split(",")):
            return Response(b"", status_code=304, headers=headers)
        data, media_type = vouchers.public_file(settings.var_dir, voucher)
        return Response(data, media_type=media_type, headers=headers)
