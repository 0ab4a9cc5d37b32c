"""No personal data in the journal: an owner's name or a household's phone number, or any
mobile number, is refused in an entry's texts. Moved out of ``journal.service``, which still
exports these names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Household
from trustfund.journal.head import _raise_problems
from trustfund.ledger import privacy
from trustfund.ledger.entries import (
    EntryDraft,
)
from trustfund.messages import Message

#: Why a text is refused as personal data (never repeating what was found in it).
NAME_REASON = Message("journal.personal_name")


PHONE_REASON = Message("journal.personal_phone")


PERSONAL_DATA_REASONS = frozenset({NAME_REASON, PHONE_REASON})


def _texts(draft: EntryDraft) -> list[tuple[str, str]]:
    """The entry's free texts, named by field: what the personal-data check reads."""
    fields: list[tuple[str, str]] = [("narration", draft.narration)]
    if draft.payee is not None:
        fields.append(("payee", draft.payee))
    fields += [(f"meta.{k}", v) for k, v in sorted(draft.meta.items())]
    return fields


def _check_personal_data(session: Session, estate_id: int, draft: EntryDraft) -> None:
    """Refuse owner names and phone numbers of the estate's households (and anything that
    looks like a mobile number) in the entry's texts. Raises ``ValidationError``."""
    _raise_problems(personal_data_problems(session, estate_id, _texts(draft)))


def personal_data_problems(
    session: Session, estate_id: int, fields: Sequence[tuple[str, str]]
) -> list[tuple[str, Message]]:
    """``(field, reason)`` for each of ``fields`` (``(name, text)``) that holds an owner's
    name or a phone number of one of the estate's households, or a mobile number of anyone.

    Texts are compared by their keys (``ledger.privacy``: NFKC, case folded, no spaces,
    punctuation or invisible characters, any script's digits), so ``鲁 磊`` is ``鲁磊`` and
    ``138.0000.0001`` is ``13800000001``. The households are searched in the database (one
    query for all the texts, reading only the stored keys), never loaded into Python; only a
    household that matches comes back. The reason never repeats what was found.
    Domains that post later what they accept now (a claim's payee, a transfer's reason)
    call this when the text is written, so it is refused then and not at payment."""
    problems: dict[str, Message] = {
        name: PHONE_REASON for name, value in fields if privacy.mobile_number_in(value)
    }
    rest = [(name, value) for name, value in fields if name not in problems]
    keyed = [(name, privacy.text_key(value), privacy.number_key(value)) for name, value in rest]
    for name_key, phone_key in _household_keys_in(session, estate_id, keyed):
        for field, names, numbers in keyed:
            if field in problems:
                continue
            if phone_key is not None and phone_key in numbers:
                problems[field] = PHONE_REASON
            elif name_key is not None and name_key in names:
                problems[field] = NAME_REASON
    return [(name, problems[name]) for name, _ in fields if name in problems]


def _household_keys_in(
    session: Session, estate_id: int, keyed: Sequence[tuple[str, str, str]]
) -> list[tuple[str | None, str | None]]:
    """``(name_key, phone_key)`` of the estate's households (at most ``_KEYS_LIMIT``) whose
    name key is in one of the texts' name keys or whose phone key is in one of their number
    keys. The keys are joined with a newline, which no key holds, so no match spans two
    texts."""
    if not any(names for _, names, _ in keyed):
        return []
    connection = session.connection()
    rows = connection.execute(
        _PERSON_KEYS[connection.dialect.name],
        {
            "estate_id": estate_id,
            "names": "\n".join(names for _, names, _ in keyed),
            # a phone key is all digits: only runs of 7+ digits can hold one
            "numbers": "\n".join(
                run for _, _, numbers in keyed for run in privacy.phone_runs(numbers)
            ),
        },
    ).all()
    return [(name_key, phone_key) for name_key, phone_key in rows]


#: At most this many matching households are read back (enough to name every field).
_KEYS_LIMIT = 50


def _person_keys_query(position: Any) -> Select[str | None, str | None]:
    """Keys of ``:estate_id``'s households whose name key is in ``:names`` or whose phone
    key is in ``:numbers``; ``position`` is the dialect's substring search
    (``strpos``/``instr``). Reads only the index ``ix_households_privacy_keys``."""
    names = bindparam("names", type_=String)
    numbers = bindparam("numbers", type_=String)
    return (
        select(Household.name_key, Household.phone_key)
        .where(
            Household.estate_id == bindparam("estate_id"),
            or_(
                and_(Household.name_key.is_not(None), position(names, Household.name_key) > 0),
                and_(Household.phone_key.is_not(None), position(numbers, Household.phone_key) > 0),
            ),
        )
        .limit(_KEYS_LIMIT)
    )


#: Per dialect, built once: every posting runs it.
_PERSON_KEYS = {
    "postgresql": _person_keys_query(func.strpos),
    "sqlite": _person_keys_query(func.instr),
}
