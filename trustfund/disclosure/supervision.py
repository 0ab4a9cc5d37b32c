"""The supervisor's view (社区/街道): every estate they oversee — collection rates, fund
balances, last publication, whether a disclosure is overdue, and periods unlocked for a
correction whose corrected version is still unpublished (the books of that period are open).

Overdue rule: an estate is overdue when no published version covers the last finished
quarter (a quarter, or a year or range containing it), counted from today in the estate's
time zone. An estate whose books opened after that quarter ended is not overdue.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.auth.principal import Principal, Role
from trustfund.db.models.approvals import ApprovalRequest, RequestStatus
from trustfund.db.models.disclosure import DisclosureSnapshot, DisclosureVersion, VersionStatus
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry
from trustfund.disclosure import unlocks
from trustfund.disclosure.periods import last_finished_quarter
from trustfund.disclosure.schemas import (
    CollectionSummaryOut,
    LastPublicationOut,
    SupervisedEstateOut,
    SupervisionOut,
)
from trustfund.disclosure.statements import fund_names
from trustfund.estates.service import today_in
from trustfund.fees import reports as fee_reports
from trustfund.fees.deposits import cash_on_hand
from trustfund.journal import reading
from trustfund.ledger.money import ZERO, money_text


def supervised_estates(session: Session, principal: Principal) -> list[Estate]:
    """Admins see every estate; a supervisor the estates of their communities (or estates
    they hold the supervisor role in directly). Nobody else sees any. By community, then
    slug, compared in Python: the same order whatever the database's collation."""
    estates = sorted(session.scalars(select(Estate)), key=lambda e: (e.community, e.slug))
    if principal.is_admin:
        return estates
    return [e for e in estates if Role.SUPERVISOR in principal.roles_for(e.id, e.community)]


def estate_overview(
    session: Session, estate: Estate, today: date | None = None
) -> SupervisedEstateOut:
    today = today or today_in(estate)
    quarter = last_finished_quarter(today)
    balances = reading.fund_balances(session, estate.id)
    names = fund_names(session, estate.id)
    collection: CollectionSummaryOut | None = None
    if today.year in fee_reports.fee_years(session, estate.id):
        report = fee_reports.collection_report(session, estate.id, today.year, as_of=today)
        overall = report["overall"]
        collection = {
            "fee_year": today.year,
            "as_of": report["as_of"],
            "households": overall["households"],
            "paid_in_full": overall["paid_in_full"],
            "partial": overall["partial"],
            "unpaid": overall["unpaid"],
            "household_rate": overall["household_rate"],
            "amount_rate": overall["amount_rate"],
        }
    rows = session.execute(
        select(DisclosureVersion, DisclosureSnapshot.published_at)
        .join(DisclosureSnapshot, DisclosureSnapshot.version_id == DisclosureVersion.id)
        .where(
            DisclosureVersion.estate_id == estate.id,
            DisclosureVersion.status == VersionStatus.PUBLISHED,
        )
        # the snapshot's id breaks a tie of equal times (a held clock): later publication first
        .order_by(DisclosureSnapshot.published_at.desc(), DisclosureSnapshot.id.desc())
    ).all()
    last: LastPublicationOut | None = None
    if rows:
        version, when = rows[0]
        last = {
            "version_id": version.id,
            "period": version.period,
            "number": version.number,
            "published_at": when.isoformat(),
        }
    covered = any(v.start <= quarter.start and v.end >= quarter.end for v, _ in rows)
    first_entry = session.scalar(
        select(func.min(JournalEntry.date)).where(JournalEntry.estate_id == estate.id)
    )
    books_before = first_entry is not None and first_entry <= quarter.end
    cash = cash_on_hand(session, estate.id)
    return {
        "slug": estate.slug,
        "name": estate.name,
        "community": estate.community,
        "today": today.isoformat(),
        "collection": collection,
        "funds": [
            {"fund": f, "name": names.get(f, f), "balance": money_text(v)}
            for f, v in balances.items()
        ],
        "funds_total": money_text(sum(balances.values(), start=ZERO)),
        "last_publication": last,
        "published_count": len(rows),
        "due_period": quarter.label,
        "overdue": books_before and not covered,
        # periods a committee majority unlocked whose corrected version is not published yet
        "corrections_pending": [
            {"period": lift["period"], "lifted_on": lift["lifted_on"], "reason": lift["reason"]}
            for lift in unlocks.public_lifts(session, estate)
            if lift["corrected_by"] is None
        ],
        "cash_on_hand": cash["cash"],
        "cash_since": cash["since"],
        "pending_approvals": int(
            session.scalar(
                select(func.count(ApprovalRequest.id)).where(
                    ApprovalRequest.estate_id == estate.id,
                    ApprovalRequest.status == RequestStatus.PENDING,
                )
            )
            or 0
        ),
    }


def overview(session: Session, principal: Principal) -> SupervisionOut:
    estates = supervised_estates(session, principal)
    items = [estate_overview(session, e) for e in estates]
    return {
        "estates": items,
        "overdue": [i["slug"] for i in items if i["overdue"]],
    }
