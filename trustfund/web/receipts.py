"""The receipt check a printed receipt's QR code opens (``/r/{estate_slug}/{receipt_no}``):
only what ``receipt_views.public_receipt`` returns — amount, date, fee year, masked household,
status (valid or void). No sign-in, no personal data."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.orm import Session

from trustfund.api.access import public
from trustfund.fees import receipt_views
from trustfund.web.templating import page_html


class ReceiptPagesController(Controller):
    include_in_schema = False

    @get(
        "/r/{estate_slug:str}/{receipt_no:str}",
        opt=public(),
        sync_to_thread=True,
        media_type=MediaType.HTML,
    )
    def public_receipt_page(
        self,
        db_session: NamedDependency[Session],
        estate_slug: FromPath[str],
        receipt_no: FromPath[str],
    ) -> str:
        """The page the QR code on a printed receipt opens. 404 for an unknown receipt."""
        return page_html(
            "public_receipt.html",
            r=receipt_views.public_receipt(db_session, estate_slug, receipt_no),
        )


CONTROLLERS: list[Any] = [ReceiptPagesController]
