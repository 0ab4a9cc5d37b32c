"""Next year's fee proposal, priced from what the funds actually spent.

The reference steward priced the 200 yuan from previous years' spending. For each fee fund:

1. ``average`` = mean yearly spend over the last ``years`` calendar years with any spending
   (Expenses postings of the fund, from the ledger's SQL balances);
2. ``payers`` = full-fee equivalents: occupied households + vacant households × the vacancy
   fraction of the latest schedule (vacant fee ÷ full fee);
3. ``rate`` = the latest finished fee year's amount collection rate (100 % if none);
4. per household = average ÷ (payers × rate), rounded **up** to the whole yuan, so that a
   fund expected to collect at last year's rate still covers last years' average spend.

The answer lists every number used, so the committee can check it by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Household, Occupancy
from trustfund.db.models.fees import FeeCharge
from trustfund.errors import ValidationError
from trustfund.estates.occupancy import occupancies_on
from trustfund.fees.common import check_fee_year
from trustfund.fees.reports import collection_report
from trustfund.fees.rules import fee_year_end, fee_year_start, vacant_amounts
from trustfund.fees.schedule import components_of, find_schedule
from trustfund.fees.schemas import ProposalOut, ProposedComponentOut, SpendYearOut
from trustfund.journal.reading import account_balances
from trustfund.ledger.accounts import FEE_FUNDS, FUND_NAMES_ZH, fund_of
from trustfund.ledger.money import money_text
from trustfund.messages import Message

ONE = Decimal("1")


def spend_by_fund(session: Session, estate_id: int, year: int) -> dict[str, Decimal]:
    """What each fund spent in calendar year ``year`` (Expenses postings, net)."""
    out: dict[str, Decimal] = {}
    balances = account_balances(
        session, estate_id, start=fee_year_start(year), end=fee_year_end(year)
    )
    for account, amount in balances.items():
        fund = fund_of(account)
        if account.startswith("Expenses:") and fund is not None:
            out[fund] = out.get(fund, Decimal("0.00")) + amount
    return out


def propose(session: Session, estate_id: int, fee_year: int, *, years: int = 3) -> ProposalOut:
    """A proposed schedule for ``fee_year`` with its calculation (see the module docstring).

    Raises ValidationError (implausible year or number of years)."""
    check_fee_year(fee_year)
    if not 1 <= years <= 10:
        raise ValidationError.field("years", Message("fees.between_1_and_10"))
    history: list[SpendYearOut] = []
    spends_by_year: list[dict[str, Decimal]] = []
    for year in range(fee_year - years, fee_year):
        spend = spend_by_fund(session, estate_id, year)
        history.append(
            {"year": year, "spend": {f: money_text(a) for f, a in sorted(spend.items())}}
        )
        if spend:
            spends_by_year.append(spend)
    counted = [h for h in history if h["spend"]]
    last = find_schedule(session, estate_id, fee_year - 1)
    fraction = Decimal("0.5")
    if last is not None:
        comps = components_of(last)
        full = sum((c.amount for c in comps), Decimal("0"))
        vac = sum(vacant_amounts(comps, last.vacancy_rule.value, last.vacancy_percent))
        fraction = (vac / full) if full else Decimal("0")
    statuses = occupancies_on(session, estate_id, fee_year_start(fee_year))
    occupied = sum(1 for s in statuses.values() if s == Occupancy.OCCUPIED)
    vacant = sum(1 for s in statuses.values() if s == Occupancy.VACANT)
    if not statuses:
        occupied = int(
            session.scalar(select(func.count(Household.id)).where(Household.estate_id == estate_id))
            or 0
        )
    payers = Decimal(occupied) + Decimal(vacant) * fraction
    rate = ONE
    rate_year = None
    finished = [
        y
        for y in session.scalars(
            select(FeeCharge.fee_year).where(FeeCharge.estate_id == estate_id).distinct()
        )
        if y < fee_year
    ]
    if finished:
        rate_year = max(finished)
        report = collection_report(
            session, estate_id, rate_year, as_of=min(fee_year_end(rate_year), date.today())
        )
        amount_rate = report["overall"]["amount_rate"]
        if amount_rate is not None and Decimal(amount_rate) > 0:
            rate = Decimal(amount_rate) / 100
    current = {c.fund: c.amount for c in components_of(last)} if last is not None else {}
    components: list[ProposedComponentOut] = []
    for fund in FEE_FUNDS:
        spends = [spend.get(fund.value, Decimal("0")) for spend in spends_by_year]
        average = (sum(spends, Decimal("0")) / len(spends)) if spends else Decimal("0")
        if payers > 0 and average > 0:
            per_household = (average / (payers * rate)).quantize(ONE, rounding=ROUND_CEILING)
            calculation = (
                f"{average.quantize(Decimal('0.01'))} ÷ ({payers.quantize(Decimal('0.01'))} "
                f"× {(rate * 100).quantize(Decimal('0.01'))}%) → {per_household} 元"
            )
        else:
            # no spending recorded yet: keep this year's amount rather than propose zero
            per_household = current.get(fund.value, Decimal("0"))
            calculation = f"无支出记录，沿用{fee_year - 1}年度标准 {per_household} 元"
        components.append(
            {
                "fund": fund.value,
                "name": FUND_NAMES_ZH[fund],
                "average_spend": money_text(average.quantize(Decimal("0.01"))),
                "amount": money_text(per_household.quantize(Decimal("0.01"))),
                "calculation": calculation,
            }
        )
    total = sum((Decimal(c["amount"]) for c in components), Decimal("0.00"))
    return {
        "fee_year": fee_year,
        "years": [h["year"] for h in counted],
        "history": history,
        "occupied": occupied,
        "vacant": vacant,
        "vacancy_fraction": str(fraction.quantize(Decimal("0.0001"))),
        "payers": str(payers.quantize(Decimal("0.01"))),
        "collection_rate": str((rate * 100).quantize(Decimal("0.01"))),
        "collection_rate_year": rate_year,
        "components": components,
        "total": money_text(total),
        "method": __doc__.split("\n\n", 1)[1].strip() if __doc__ else "",
    }
