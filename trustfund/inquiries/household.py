"""A household's own page (issue 16 item 8): with its household code and the check code
printed on any of its receipts (``checkcode``: the same code that lets it ask questions), a
resident sees the household's charges, receipts (payments, with the printable PDF), and
refunds — nobody else's.

- **Who**: ``checkcode.identify``; a wrong pair, an unknown household, one of another estate
  and one without receipts get one answer (the caller says it in Chinese).
- **Rate limit**: the questions' own (``service.check_failures``, ``service.LIMITS``):
  wrong pairs from one client address count into the same attempts whichever form they were
  typed into — 5 in 15 minutes, then 429 with ``retry_after``. A success is not counted
  (it is no question asked).
- **Nothing personal in an address**: the codes are posted, never put in a URL; what proves
  the check afterwards is a short-lived signed value (``token_for``: estate, household,
  expiry, HMAC-SHA256 under the installation's secret key), kept by the page in an
  HttpOnly, SameSite=Strict cookie limited to the estate's household path.
- **What is shown**: the address as the receipt prints it (building, entrance, room) and the
  household code — the owner's name and phone never. A refund's reason is staff text: masked
  like every public text (owners' names, phone-like digits).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.base import utcnow
from trustfund.db.models.estates import Building, Estate, Household
from trustfund.db.models.fees import FeeCharge, FeeReceipt, FeeRefund, ReceiptStatus
from trustfund.errors import FieldError, ValidationError
from trustfund.fees.owed import charged_by_fund, outstanding_by_fund, paid_by_fund
from trustfund.fees.rules import METHOD_LABELS
from trustfund.inquiries import checkcode, service
from trustfund.ledger.accounts import FUND_NAMES_ZH
from trustfund.ledger.money import ZERO, money_text
from trustfund.messages import Message
from trustfund.settlements.disclosure_sections import Scrubber

#: How long the page stays open after the codes were checked.
TOKEN_LIFETIME = timedelta(minutes=15)
_PURPOSE = b"trustfund household page v1"


def identify(
    session: Session,
    estate: Estate,
    household_code: str,
    check_code: str,
    *,
    client_addr: str,
    now: datetime | None = None,
) -> Household:
    """Entry point (commits a failure): the household the pair proves.

    Raises RateLimitedError (429, ``retry_after``: too many wrong pairs from the address,
    counted with the questions' form) and ValidationError naming ``household_code`` and
    ``check_code`` alike for every failure."""
    now = now or utcnow()
    service.check_failures(session, client_addr, now)
    household = checkcode.identify(session, estate.id, household_code, check_code)
    if household is None:
        service.record_attempt(session, estate.id, client_addr, household_code, False, now)
        session.commit()
        wrong = service.WRONG_PAIR
        errors = [FieldError("household_code", wrong), FieldError("check_code", wrong)]
        raise ValidationError(Message("input.problems", problems=errors[1:]), errors=errors)
    return household


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()


def _sign(secret_key: str, payload: str) -> str:
    return hmac.new(_key(secret_key), payload.encode(), hashlib.sha256).hexdigest()


def token_for(
    secret_key: str, estate_id: int, household_id: int, *, now: datetime | None = None
) -> str:
    """``<estate>.<household>.<expires, unix seconds>.<hmac>``: what the cookie holds."""
    expires = int(((now or utcnow()) + TOKEN_LIFETIME).timestamp())
    payload = f"{estate_id}.{household_id}.{expires}"
    return f"{payload}.{_sign(secret_key, payload)}"


def household_from_token(
    session: Session,
    secret_key: str,
    estate: Estate,
    token: str | None,
    *,
    now: datetime | None = None,
) -> Household | None:
    """The household a token (from ``token_for``) names, or None: missing, forged, expired,
    of another estate, or the household is gone."""
    if not token or token.count(".") != 3:
        return None
    payload, _, mac = token.rpartition(".")
    if not hmac.compare_digest(_sign(secret_key, payload), mac):
        return None
    estate_id, household_id, expires = payload.split(".")
    if int(estate_id) != estate.id or int(expires) < (now or utcnow()).timestamp():
        return None
    household = session.get(Household, int(household_id))
    return household if household is not None and household.estate_id == estate.id else None


def _fee_years(session: Session, household_id: int) -> list[int]:
    return sorted(
        set(
            session.scalars(
                select(FeeCharge.fee_year).where(FeeCharge.household_id == household_id)
            )
        ),
        reverse=True,
    )


def _components(
    charged: dict[str, Decimal], paid: dict[str, Decimal], owed: dict[str, Decimal]
) -> Iterable[dict[str, str]]:
    for fund, amount in charged.items():
        yield {
            "name": FUND_NAMES_ZH.get(fund, fund),
            "charged": money_text(amount),
            "paid": money_text(paid.get(fund, ZERO)),
            "outstanding": money_text(owed.get(fund, ZERO)),
        }


def view(session: Session, estate: Estate, household: Household) -> dict[str, Any]:
    """What the household's page shows: the address as printed on its receipts, each fee
    year's charge (per component: charged, paid, outstanding, vacant or not), every receipt
    (newest first; void ones marked) and every refund."""
    building = session.get(Building, household.building_id)
    assert building is not None
    years = []
    for year in _fee_years(session, household.id):
        charged = charged_by_fund(session, household.id, year)
        paid = paid_by_fund(session, household.id, year)
        owed = outstanding_by_fund(session, household.id, year) or {}
        charge = session.scalar(
            select(FeeCharge).where(
                FeeCharge.household_id == household.id, FeeCharge.fee_year == year
            )
        )
        years.append(
            {
                "fee_year": year,
                "vacant": bool(charge and charge.vacant),
                "charged": money_text(sum(charged.values(), ZERO)),
                "paid": money_text(sum(paid.values(), ZERO)),
                "outstanding": money_text(sum(owed.values(), ZERO)),
                "components": list(_components(charged, paid, owed)),
            }
        )
    receipts = [
        {
            "receipt_no": r.receipt_no,
            "fee_year": r.fee_year,
            "amount": money_text(r.amount),
            "paid_on": r.paid_on.isoformat(),
            "method": METHOD_LABELS.get(r.method.value, r.method.value),
            "prepaid": r.prepaid,
            "void": r.status == ReceiptStatus.VOID,
            "voided_on": r.voided_on.isoformat() if r.voided_on else None,
            "entry_seq": r.entry_seq,
        }
        for r in session.scalars(
            select(FeeReceipt)
            .where(FeeReceipt.household_id == household.id)
            .order_by(FeeReceipt.paid_on.desc(), FeeReceipt.year.desc(), FeeReceipt.number.desc())
        )
    ]
    scrub = Scrubber(session, estate.id)
    refunds = [
        {
            "fee_year": f.fee_year,
            "amount": money_text(f.amount),
            "refunded_on": f.refunded_on.isoformat(),
            "method": METHOD_LABELS.get(f.method.value, f.method.value),
            "reason": scrub(f.reason),
            "entry_seq": f.entry_seq,
        }
        for f in session.scalars(
            select(FeeRefund)
            .where(FeeRefund.household_id == household.id)
            .order_by(FeeRefund.refunded_on.desc(), FeeRefund.id.desc())
        )
    ]
    return {
        "code": household.code,
        "address": f"{building.number}幢{household.entrance}单元{household.room}室",
        "years": years,
        "receipts": receipts,
        "refunds": refunds,
    }
