"""Receipt check codes (收据校验码): what a household shows, with its code, to ask a question.

A receipt's number and its household's code are no secret (the number is printed, counted
up and checked publicly at ``/r/{slug}/{no}``; the code is on every receipt), so neither can
prove that the person asking holds the household's receipt. The check code can:

    check code = first 40 bits of HMAC-SHA256(estate key, "<receipt no>\\n<household code>"),
                 written as 8 characters of the household-code alphabet (no 0/O, 1/I), "ABCD-EFGH"

The estate key is 32 random bytes made on first use and kept in ``receipt_check_keys`` (so a
backup carries it and every app instance agrees; nothing is derived from a name, a phone or
an address). It is printed on the receipt PDF and shown on the staff receipt (API and page) —
never on the public receipt page. 2⁴⁰ codes and the rate limit (``service``) make guessing
hopeless; staff who can print a receipt can read its code (``docs/security.md``).

Any receipt of the household that is not void identifies it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Household
from trustfund.db.models.fees import FeeReceipt, ReceiptStatus
from trustfund.db.models.inquiries import ReceiptCheckKey
from trustfund.estates.rules import CODE_ALPHABET

LENGTH = 8
_NOT_CODE = re.compile(r"[^0-9A-Z]")


def estate_key(session: Session, estate_id: int) -> bytes:
    """The estate's key, made on first use (race-safe: a concurrent insert is ignored by the
    primary key and both read the row that won). Making it commits — it is made on a read
    (a receipt shown, a question's first check) before anything else is written, and a key
    rolled back with a read-only request would change every code it printed."""
    secret = session.scalar(
        select(ReceiptCheckKey.secret).where(ReceiptCheckKey.estate_id == estate_id)
    )
    if secret is None:
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        session.execute(
            insert(ReceiptCheckKey)
            .values(estate_id=estate_id, secret=secrets.token_hex(32))
            .on_conflict_do_nothing()
        )
        session.commit()
        secret = session.scalar(
            select(ReceiptCheckKey.secret).where(ReceiptCheckKey.estate_id == estate_id)
        )
    assert secret is not None
    return bytes.fromhex(secret)


def code_for(key: bytes, receipt_no: str, household_code: str) -> str:
    """The 8-character code (no dash) of one receipt."""
    digest = hmac.new(key, f"{receipt_no}\n{household_code}".encode(), hashlib.sha256).digest()
    bits = int.from_bytes(digest[:5], "big")
    return "".join(CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range(LENGTH)))


def display(code: str) -> str:
    """``ABCDEFGH`` → ``ABCD-EFGH`` (as printed)."""
    return f"{code[:4]}-{code[4:]}"


def normalise(raw: str) -> str:
    """What a resident typed, as compared: upper case, without spaces and dashes."""
    return _NOT_CODE.sub("", raw.upper())[:32]


def receipt_check_code(
    session: Session, estate_id: int, receipt_no: str, household_code: str
) -> str:
    """The printed form (``ABCD-EFGH``) of a receipt's check code (commits the estate's key
    when it makes it)."""
    return display(code_for(estate_key(session, estate_id), receipt_no, household_code))


#: Stands in for a household that does not exist, so the answer takes as long.
_DUMMY_RECEIPTS = ["0000-000000"]


def identify(
    session: Session, estate_id: int, household_code: str, check_code: str
) -> Household | None:
    """The household whose code is ``household_code`` and one of whose receipts (not void)
    has ``check_code`` — or None, alike for an unknown household, a household of another
    estate and a wrong code (the caller answers all three the same way)."""
    key = estate_key(session, estate_id)
    given = normalise(check_code)
    household = session.scalar(
        select(Household).where(
            Household.estate_id == estate_id, Household.code == household_code.strip().upper()
        )
    )
    receipts = (
        list(
            session.scalars(
                select(FeeReceipt.receipt_no).where(
                    FeeReceipt.estate_id == estate_id,
                    FeeReceipt.household_id == household.id,
                    FeeReceipt.status != ReceiptStatus.VOID,
                )
            )
        )
        if household is not None
        else []
    )
    found = False
    for receipt_no in receipts or _DUMMY_RECEIPTS:
        expected = code_for(key, receipt_no, household.code if household else "H-000000")
        found = hmac.compare_digest(expected.encode(), given.encode()) or found
    return household if found and receipts else None
