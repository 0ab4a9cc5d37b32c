"""Public routes (no sign-in): the published journal of every estate."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.orm import Session

from trustfund.api.access import public
from trustfund.api.common import file_response
from trustfund.journal.public import public_ledger_text


class PublicLedgerController(Controller):
    path = "/api/v1/public/estates"
    tags = ["public"]

    @get(
        "/{estate_slug:str}/ledger.beancount",
        opt=public(),
        sync_to_thread=True,
        media_type="text/plain",
        summary="The estate's journal as a beancount file",
        description="The same bytes as `trustfund ledger export`: check it with `bean-check` "
        "and recompute its hash chain with `trustfund ledger verify`. No personal data.",
    )
    def ledger_file(
        self, db_session: NamedDependency[Session], estate_slug: FromPath[str]
    ) -> Response[bytes]:
        return file_response(
            public_ledger_text(db_session, estate_slug).encode("utf-8"),
            "text/plain",
            f"{estate_slug}.beancount",
            "inline",
        )


CONTROLLERS: list[Any] = [PublicLedgerController]
