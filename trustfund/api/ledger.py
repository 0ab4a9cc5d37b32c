"""Staff routes of an estate's journal: entries, balances, reversals, period locks.
Every other money movement is posted by its own workflow (fees, settlements, grants).

Nobody locks a period by hand: a period is locked when the disclosure of that *ended*
period is published (``disclosure.publication.publish``), and lifted only by the
correction procedure (``disclosure.unlocks``: a committee majority and a recorded reason,
shown on the public pages). A route that locked any dates on one member's word let a
single committee member freeze the books (2027–2099) with no way back."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.orm import Session

from trustfund.api.access import estate_action
from trustfund.api.common import IdempotencyKey, actor_id
from trustfund.auth.principal import Action
from trustfund.db.models.estates import Estate
from trustfund.journal import operations, schemas
from trustfund.settings import Settings


class LedgerController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/ledger"
    tags = ["ledger"]

    @get(
        "/entries",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        summary="Journal entries, newest first",
    )
    def list_entries(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        page: FromQuery[int] = 1,
        per_page: FromQuery[int] = 50,
    ) -> schemas.EntryPage:
        return operations.list_entries(db_session, estate, page, per_page)

    @get(
        "/entries/{seq:int}",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        summary="One journal entry",
    )
    def get_entry(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        seq: FromPath[int],
    ) -> schemas.Entry:
        return operations.get_entry(db_session, estate, seq)

    @post(
        "/entries",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        summary="Post a general entry",
        description="Needs an Idempotency-Key header. 422 names every bad field; 409 for "
        "a locked period, an overdrawn fund or a key reused with a different body.",
    )
    def record_entry(
        self,
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.EntryCreate],
        idempotency_key: IdempotencyKey = None,
    ) -> schemas.Entry:
        return operations.record_entry(
            db_session, settings, estate, data, idempotency_key, actor_id(request)
        )

    @post(
        "/entries/{seq:int}/reversal",
        opt=estate_action(Action.RECORD),
        sync_to_thread=True,
        summary="Reverse an entry",
        description="Posts the opposite entry on the given date. 409 if the entry was already "
        "reversed or is itself a reversal. Needs an Idempotency-Key header.",
    )
    def reverse_entry(
        self,
        db_session: NamedDependency[Session],
        settings: NamedDependency[Settings],
        estate: NamedDependency[Estate],
        request: Request[Any, Any, Any],
        seq: FromPath[int],
        data: JSONBody[schemas.ReversalCreate],
        idempotency_key: IdempotencyKey = None,
    ) -> schemas.Entry:
        return operations.reverse_entry(
            db_session, settings, estate, seq, data, idempotency_key, actor_id(request)
        )

    @get(
        "/balances",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        summary="Account balances (as_of) or sums over a period (start, end; inclusive)",
    )
    def account_balances(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        as_of: FromQuery[date | None] = None,
    ) -> schemas.AccountBalances:
        return operations.account_balances(db_session, estate, start, end, as_of)

    @get(
        "/funds",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        summary="Fund balances (as_of) or their change over a period (start, end)",
    )
    def fund_balances(
        self,
        db_session: NamedDependency[Session],
        estate: NamedDependency[Estate],
        start: FromQuery[date | None] = None,
        end: FromQuery[date | None] = None,
        as_of: FromQuery[date | None] = None,
    ) -> schemas.FundBalances:
        return operations.fund_balances(db_session, estate, start, end, as_of)

    @get(
        "/period-locks",
        opt=estate_action(Action.READ),
        sync_to_thread=True,
        summary="Locked periods",
    )
    def period_locks(
        self, db_session: NamedDependency[Session], estate: NamedDependency[Estate]
    ) -> list[schemas.PeriodLock]:
        return operations.period_locks(db_session, estate)


CONTROLLERS: list[Any] = [LedgerController]
