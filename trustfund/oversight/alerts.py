"""Alert rules for the committee and the supervisor (issue 18.4), computed from the books
whenever asked — nothing to keep in step. Each rule is a pure-ish function of the estate,
its thresholds and today, returning ``Alert``s; an alert's ``key`` is stable (the same
finding keeps its key), so an acknowledgement stays attached to it.

| rule | fires when | threshold (default) |
|---|---|---|
| ``split_payments`` | claims to one payee (not under a repair contract) paid within ``split_days`` (10), each within the estate's first approval tier for claims (500.00) but together above it | ``split_days`` |
| ``double_payment`` | two paid claims to one payee for the same amount within ``double_days`` (20) | ``double_days`` |
| ``cash_held`` | the steward holds more than ``cash_max`` (10000.00), or cash received more than ``cash_days`` (40) ago is not deposited | ``cash_max``, ``cash_days`` |
| ``bank_unreconciled`` | a month since the books opened, ended more than ``bank_days`` (20) ago, has no standing approved bank reconciliation | ``bank_days`` |
| ``disclosure_overdue`` | a quarter since the books opened, ended more than ``disclosure_days`` (90) ago, is covered by no published disclosure | ``disclosure_days`` |
| ``fund_low`` | a fund holds less than its usual month's spending (the average of the last ``fund_months`` (3) ended months) | ``fund_months`` |
| ``collection_gap`` | a building (at least ``collection_min`` (5) charged households) collected more than ``collection_gap`` (30) percentage points below the estate, this fee year | ``collection_gap``, ``collection_min`` |
| ``voucher_missing`` | a claim paid more than ``voucher_days`` (15) days ago has no voucher (凭证), neither on the claim nor on its work order | ``voucher_days`` |
| ``inquiry_unanswered`` | a resident's question (质询) on a published line is still unanswered more than ``inquiry_days`` (14) days after it was asked | ``inquiry_days`` |
"""

from __future__ import annotations

import calendar
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.approvals import ApprovalRule
from trustfund.db.models.disclosure import DisclosureVersion, VersionStatus
from trustfund.db.models.estates import Estate
from trustfund.db.models.settlements import Claim, ClaimStatus, Voucher
from trustfund.fees import reports
from trustfund.fees.deposits import cash_on_hand
from trustfund.inquiries import service as inquiries
from trustfund.journal.head import books_opened_on
from trustfund.journal.reading import fund_balances
from trustfund.ledger.accounts import FUND_NAMES_ZH
from trustfund.ledger.money import ZERO
from trustfund.reconciliation import months

DEFAULTS: dict[str, Decimal] = {
    "split_days": Decimal(10),
    "double_days": Decimal(20),
    "cash_max": Decimal("10000.00"),
    "cash_days": Decimal(40),
    "bank_days": Decimal(20),
    "disclosure_days": Decimal(90),
    "fund_months": Decimal(3),
    "collection_gap": Decimal(30),
    "collection_min": Decimal(5),
    "inquiry_days": Decimal(14),
    "voucher_days": Decimal(15),
}


@dataclass(frozen=True)
class Alert:
    rule: str
    key: str
    title: str  # Chinese, one line
    since: date
    links: list[dict[str, str]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)


Rule = Callable[[Session, Estate, dict[str, Decimal], date], list[Alert]]


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:12]


def _claim_link(estate: Estate, claim: Claim) -> dict[str, str]:
    return {
        "label": f"报销单 {claim.id}",
        "api": f"/api/v1/estates/{estate.slug}/claims/{claim.id}",
        "page": f"/staff/{estate.slug}/claims/{claim.id}",
    }


def _claim_line(claim: Claim) -> dict[str, Any]:
    return {
        "claim_id": claim.id,
        "payee": claim.payee,
        "amount": str(claim.amount),
        "paid_on": claim.paid_on.isoformat() if claim.paid_on else None,
    }


def _paid_claims(session: Session, estate_id: int) -> list[Claim]:
    return list(
        session.scalars(
            select(Claim)
            .where(Claim.estate_id == estate_id, Claim.status == ClaimStatus.PAID)
            .order_by(Claim.paid_on, Claim.id)
        )
    )


def _first_tier(session: Session, estate_id: int) -> Decimal:
    up_to = session.scalar(
        select(ApprovalRule.up_to)
        .where(ApprovalRule.estate_id == estate_id, ApprovalRule.subject_kind == "claim")
        .order_by(ApprovalRule.position)
        .limit(1)
    )
    return Decimal(up_to) if up_to is not None else Decimal("500.00")


def split_payments(
    session: Session, estate: Estate, t: dict[str, Decimal], today: date
) -> list[Alert]:
    limit = _first_tier(session, estate.id)
    window = timedelta(days=int(t["split_days"]))
    by_payee: dict[str, list[Claim]] = defaultdict(list)
    for claim in _paid_claims(session, estate.id):
        if claim.contractor_id is None and claim.amount <= limit and claim.paid_on:
            by_payee[claim.payee.strip()].append(claim)
    out = []
    for payee, claims in by_payee.items():
        group: list[Claim] = []
        for claim in claims:
            assert claim.paid_on is not None
            group = [c for c in group if c.paid_on and claim.paid_on - c.paid_on <= window]
            group.append(claim)
            total = sum((c.amount for c in group), ZERO)
            if len(group) > 1 and total > limit:
                ids = [c.id for c in group]
                out.append(
                    Alert(
                        "split_payments",
                        f"split:{_digest(payee, *ids)}",
                        f"疑似拆单：{len(group)} 笔付给「{payee}」共 {total} 元，每笔都不超过 "
                        f"{limit} 元的审批额度",
                        claim.paid_on,
                        [_claim_link(estate, c) for c in group],
                        [_claim_line(c) for c in group],
                    )
                )
                group = []
    return out


def double_payment(
    session: Session, estate: Estate, t: dict[str, Decimal], today: date
) -> list[Alert]:
    window = timedelta(days=int(t["double_days"]))
    seen: dict[tuple[str, Decimal], list[Claim]] = defaultdict(list)
    out = []
    for claim in _paid_claims(session, estate.id):
        if claim.paid_on is None:
            continue
        key = (claim.payee.strip(), claim.amount)
        for earlier in seen[key]:
            assert earlier.paid_on is not None
            if claim.paid_on - earlier.paid_on <= window:
                out.append(
                    Alert(
                        "double_payment",
                        f"double:{earlier.id}:{claim.id}",
                        f"疑似重复付款：「{claim.payee}」{claim.amount} 元在 "
                        f"{earlier.paid_on} 和 {claim.paid_on} 各付一次",
                        claim.paid_on,
                        [_claim_link(estate, earlier), _claim_link(estate, claim)],
                        [_claim_line(earlier), _claim_line(claim)],
                    )
                )
        seen[key].append(claim)
    return out


def cash_held(session: Session, estate: Estate, t: dict[str, Decimal], today: date) -> list[Alert]:
    cash = cash_on_hand(session, estate.id)
    held = Decimal(cash["cash"])
    since = date.fromisoformat(cash["since"]) if cash["since"] else None
    too_old = since is not None and (today - since).days > int(t["cash_days"])
    if held <= t["cash_max"] and not too_old:
        return []
    assert since is not None or held > t["cash_max"]
    return [
        Alert(
            "cash_held",
            f"cash:{since or today}",
            f"管家手头现金 {held} 元"
            + (f"，最早一笔收于 {since}，已超过 {int(t['cash_days'])} 天未存入银行" if too_old else "")
            + (f"，超过 {t['cash_max']} 元" if held > t["cash_max"] else ""),
            since or today,
            [{"label": "管家现金", "api": f"/api/v1/estates/{estate.slug}/fees/cash",
              "page": f"/staff/{estate.slug}/cash"}],
            [{"cash": str(held), "since": cash["since"]}],
        )
    ]  # fmt: skip


def _month_ends(start: date, until: date) -> list[date]:
    out: list[date] = []
    year, month = start.year, start.month
    while True:
        end = date(year, month, calendar.monthrange(year, month)[1])
        if end > until:
            return out
        out.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def bank_unreconciled(
    session: Session, estate: Estate, t: dict[str, Decimal], today: date
) -> list[Alert]:
    opened = books_opened_on(session, estate.id)
    if opened is None:
        return []
    out = []
    for end in _month_ends(opened, today - timedelta(days=int(t["bank_days"]) + 1)):
        if months.reconciled_month(session, estate.id, end) is None:
            month = f"{end.year:04d}-{end.month:02d}"
            out.append(
                Alert(
                    "bank_unreconciled",
                    f"bank:{month}",
                    f"{month} 的银行存款未与银行对账单核对（月末后已过 {(today - end).days} 天）",
                    end,
                    [{"label": f"{month} 银行余额调节表",
                      "api": f"/api/v1/estates/{estate.slug}/bank/reconciliations/{month}",
                      "page": f"/staff/{estate.slug}/bank/?month={month}"}],
                )
            )  # fmt: skip
    return out


def disclosure_overdue(
    session: Session, estate: Estate, t: dict[str, Decimal], today: date
) -> list[Alert]:
    opened = books_opened_on(session, estate.id)
    if opened is None:
        return []
    published = list(
        session.execute(
            select(DisclosureVersion.start, DisclosureVersion.end).where(
                DisclosureVersion.estate_id == estate.id,
                DisclosureVersion.status == VersionStatus.PUBLISHED,
            )
        )
    )
    out = []
    for end in _month_ends(opened, today - timedelta(days=int(t["disclosure_days"]) + 1)):
        if end.month % 3:
            continue
        start = date(end.year, end.month - 2, 1)
        if any(s <= start and e >= end for s, e in published):
            continue
        label = f"{end.year}Q{end.month // 3}"
        out.append(
            Alert(
                "disclosure_overdue",
                f"disclosure:{label}",
                f"{label} 的财务公示逾期未发布（季末后已过 {(today - end).days} 天）",
                end,
                [{"label": f"{label} 公示", "page": f"/staff/{estate.slug}/disclosures",
                  "api": f"/api/v1/estates/{estate.slug}/disclosures/draft?period={label}"}],
            )
        )  # fmt: skip
    return out


def fund_low(session: Session, estate: Estate, t: dict[str, Decimal], today: date) -> list[Alert]:
    opened = books_opened_on(session, estate.id)
    if opened is None:
        return []
    ends = _month_ends(opened, today - timedelta(days=1))[-int(t["fund_months"]) :]
    if not ends:
        return []
    start = ends[0].replace(day=1)
    spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for claim in _paid_claims(session, estate.id):
        if claim.paid_on and start <= claim.paid_on <= ends[-1]:
            spent[claim.fund] += claim.amount
    balances = fund_balances(session, estate.id)
    out = []
    for fund, total in sorted(spent.items()):
        usual = (total / len(ends)).quantize(Decimal("0.01"))
        have = balances.get(fund, ZERO)
        if have < usual:
            out.append(
                Alert(
                    "fund_low",
                    f"fund:{fund}:{today:%Y-%m}",
                    f"{FUND_NAMES_ZH.get(fund, fund)}余额 {have} 元，低于近 {len(ends)} 个月平均每月"
                    f"支出 {usual} 元",
                    today,
                    [{"label": "费用支出明细", "page": f"/staff/{estate.slug}/expenses/"}],
                    [{"fund": fund, "balance": str(have), "usual_month": str(usual)}],
                )
            )
    return out


def collection_gap(
    session: Session, estate: Estate, t: dict[str, Decimal], today: date
) -> list[Alert]:
    years = reports.fee_years(session, estate.id)
    if not years:
        return []
    year = max(y for y in years if y <= today.year) if any(y <= today.year for y in years) else 0
    if not year:
        return []
    report = reports.collection_report(session, estate.id, year, as_of=today)
    overall = report["overall"]["amount_rate"]
    if overall is None:
        return []
    out = []
    for row in report["by_building"]:
        rate = row["amount_rate"]
        if rate is None or row["households"] < int(t["collection_min"]):
            continue
        if Decimal(overall) - Decimal(rate) > t["collection_gap"]:
            out.append(
                Alert(
                    "collection_gap",
                    f"collection:{year}:{row['building']}",
                    f"{row['building']}幢 {year} 年度收缴率 {rate}%，远低于全小区 {overall}%",
                    today,
                    [{"label": f"{row['building']}幢欠费",
                      "page": f"/staff/{estate.slug}/arrears?fee_year={year}&building={row['building']}",
                      "api": f"/api/v1/estates/{estate.slug}/fees/collection/{year}"}],
                    [{"building": row["building"], "households": row["households"],
                      "amount_rate": rate, "estate_rate": overall}],
                )
            )  # fmt: skip
    return out


def voucher_missing(
    session: Session, estate: Estate, t: dict[str, Decimal], today: date
) -> list[Alert]:
    days = int(t["voucher_days"])
    cutoff = today - timedelta(days=days)
    backed_claims = set(
        session.scalars(
            select(Voucher.claim_id).where(
                Voucher.estate_id == estate.id, Voucher.claim_id.is_not(None)
            )
        )
    )
    backed_orders = set(
        session.scalars(
            select(Voucher.work_order_id).where(
                Voucher.estate_id == estate.id, Voucher.work_order_id.is_not(None)
            )
        )
    )
    out = []
    for claim in _paid_claims(session, estate.id):
        if claim.paid_on is None or claim.paid_on >= cutoff or claim.id in backed_claims:
            continue
        if claim.work_order_id is not None and claim.work_order_id in backed_orders:
            continue
        out.append(
            Alert(
                "voucher_missing",
                f"voucher:{claim.id}",
                f"报销单 {claim.id}「{claim.payee}」{claim.amount} 元于 {claim.paid_on} 付款，"
                f"已过 {(today - claim.paid_on).days} 天仍没有凭证",
                claim.paid_on,
                [_claim_link(estate, claim)],
                [_claim_line(claim)],
            )
        )
    return out


def inquiry_unanswered(
    session: Session, estate: Estate, t: dict[str, Decimal], today: date
) -> list[Alert]:
    days = int(t["inquiry_days"])
    out = []
    for q in inquiries.unanswered(session, estate.id, today - timedelta(days=days)):
        text = q.text if len(q.text) <= 30 else q.text[:30] + "…"
        out.append(
            Alert(
                "inquiry_unanswered",
                f"inquiry:{q.id}",
                f"住户质询 {q.asked_on} 提出，已 {(today - q.asked_on).days} 天未答复："
                f"「{text}」",
                q.asked_on,
                [{"label": f"质询 {q.id}",
                  "api": f"/api/v1/estates/{estate.slug}/inquiries/{q.id}",
                  "page": f"/staff/{estate.slug}/inquiries#q{q.id}"}],
                [{"inquiry_id": q.id, "asked_on": q.asked_on.isoformat(),
                  "version_id": q.version_id, "line_ref": q.line_ref}],
            )
        )  # fmt: skip
    return out


RULES: dict[str, Rule] = {
    "split_payments": split_payments,
    "double_payment": double_payment,
    "cash_held": cash_held,
    "bank_unreconciled": bank_unreconciled,
    "disclosure_overdue": disclosure_overdue,
    "fund_low": fund_low,
    "collection_gap": collection_gap,
    "voucher_missing": voucher_missing,
    "inquiry_unanswered": inquiry_unanswered,
}
