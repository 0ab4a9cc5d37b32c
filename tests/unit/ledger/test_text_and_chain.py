"""Rendering is injection-proof and round-trips through beancount's parser; the chain
detects any change of any byte after the header."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from trustfund.ledger import bean
from trustfund.ledger.chain import entry_hash, verify_text
from trustfund.ledger.entries import EntryDraft, Leg, check_draft
from trustfund.ledger.text import GENESIS, canonical_text, header, open_canonical, with_hash

HOSTILE = [
    'say "hi"',
    "back\\slash\\",
    'end"\n2026-01-01 open Assets:Evil CNY\n',
    "\n2026-01-01 open Assets:Evil",
    'include "/etc/passwd"',
    '"\ninclude "/etc/passwd"\n"',
    'option "pythonpath" "/tmp"',
    "tab\tcr\rff\f",
    "行\u2028分隔\u2029",
    "\\n\\",
]

#: Text ``check_draft`` accepts everywhere (narration and payee also take tab, newline, CR
#: and form feed, escaped: see HOSTILE; metadata values take no control character at all).
safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


def build_file(drafts: list[EntryDraft]) -> str:
    prev = GENESIS
    parts = [header('游河"小区"\n')]
    seq = 0
    for account in ("Assets:Bank:Committee", "Income:Fees:Electricity"):
        seq += 1
        canonical = open_canonical(
            seq=seq, prev=prev, on=date(2026, 1, 1), account=account, name='账户"', fund=None
        )
        prev = entry_hash(prev, canonical)
        parts += ["\n", with_hash(canonical, prev)]
    for draft in drafts:
        seq += 1
        canonical = canonical_text(
            seq=seq,
            prev=prev,
            on=draft.date,
            narration=draft.narration,
            legs=draft.legs,
            payee=draft.payee,
            kind=draft.kind,
            meta=draft.meta,
        )
        prev = entry_hash(prev, canonical)
        parts += ["\n", with_hash(canonical, prev)]
    return "".join(parts)


def draft(
    narration: str, payee: str | None = None, meta: dict[str, str] | None = None
) -> EntryDraft:
    return EntryDraft(
        date=date(2026, 2, 1),
        narration=narration,
        payee=payee,
        meta=meta or {},
        legs=(
            Leg("Assets:Bank:Committee", Decimal("200.00")),
            Leg("Income:Fees:Electricity", Decimal("-200.00")),
        ),
        kind="fee_payment",
    )


def test_hostile_strings_stay_inside_their_quotes() -> None:
    drafts = [draft(h, payee=h, meta={"note": h}) for h in HOSTILE]
    text = build_file(drafts)
    entries, errors = bean.parse_entries(text)
    assert errors == []
    kinds = [type(e).__name__ for e in entries]
    assert kinds == ["Open", "Open"] + ["Transaction"] * len(HOSTILE)
    for entry, h in zip(entries[2:], HOSTILE, strict=True):
        assert entry.narration == h and entry.payee == h and entry.meta["note"] == h
    loaded = bean.load(text)
    assert loaded.errors == []
    assert loaded.options["title"] == '游河"小区"\n'
    assert verify_text(text).ok


@settings(max_examples=60, deadline=None)
@given(narration=safe_text.filter(lambda s: s.strip()), payee=st.none() | safe_text, note=safe_text)
def test_any_text_round_trips_through_the_beancount_parser(
    narration: str, payee: str | None, note: str
) -> None:
    d = draft(narration, payee, {"note": note})
    assert check_draft(d) == []
    entries, errors = bean.parse_entries(build_file([d]))
    assert errors == [] and len(entries) == 3
    txn = entries[2]
    assert (txn.narration, txn.payee, txn.meta["note"]) == (narration, payee, note)
    built = bean.to_transaction(d)
    assert [(p.account, p.units) for p in txn.postings] == [
        (p.account, p.units) for p in built.postings
    ]


FILE = build_file([draft(f"缴费 {i}", meta={"household": f"H-{i:04d}"}) for i in range(6)])
HEADER_END = len(header('游河"小区"\n').encode())
#: The title's string literal is the one part of the file outside the chain (documented).
TITLE_START = FILE.encode().index(b'option "title" "') + len('option "title" ')
TITLE_END = FILE.encode().index(b"\n", TITLE_START)


def test_clean_file_verifies() -> None:
    result = verify_text(FILE)
    assert result.ok and result.entries == 8 and result.head_hash != GENESIS


@settings(max_examples=300, deadline=None)
@given(position=st.integers(min_value=0, max_value=len(FILE.encode()) - 1), new=st.integers(0, 255))
def test_changing_any_byte_is_detected_naming_the_first_bad_entry(position: int, new: int) -> None:
    data = bytearray(FILE.encode())
    if data[position] == new:
        return
    data[position] = new
    if TITLE_START < position < TITLE_END - 1:
        return  # inside the title's quotes: not chained (a quote or backslash still fails)
    try:
        changed = data.decode("utf-8")
    except UnicodeDecodeError:
        return  # `trustfund ledger verify` refuses non-UTF-8 files outright
    if position >= HEADER_END and changed.rstrip("\n") == FILE.rstrip("\n"):
        return  # only the final newline changed (not an entry byte)
    result = verify_text(changed)
    assert not result.ok, (position, new)
    if position > HEADER_END:
        # the entry whose bytes changed (or, for a broken separator, the one before/after)
        blocks_before = FILE[: len(FILE.encode()[:position].decode("utf-8", "ignore"))].count(
            "\n\n"
        )
        assert result.first_bad_seq is not None
        assert abs(result.first_bad_seq - blocks_before) <= 1, (position, result)


def test_removing_or_swapping_entries_is_detected() -> None:
    blocks = FILE.split("\n\n")
    without_third = "\n\n".join(blocks[:3] + blocks[4:])
    result = verify_text(without_third)
    assert not result.ok and result.first_bad_seq == 3
    swapped = "\n\n".join([*blocks[:3], blocks[4], blocks[3], *blocks[5:]])
    assert verify_text(swapped).first_bad_seq == 3


def test_added_directives_are_refused() -> None:
    for extra in ('plugin "evil"\n', 'include "/etc/passwd"\n', 'option "pythonpath" "/tmp"\n'):
        assert not verify_text(extra + FILE).ok
        assert not verify_text(FILE + "\n" + extra).ok
    assert not verify_text(FILE + "\n2026-01-01 open Assets:Evil CNY\n").ok


def test_unbalanced_drafts_are_refused() -> None:
    d = EntryDraft(
        date=date(2026, 1, 1),
        narration="x",
        legs=(
            Leg("Assets:Bank:Committee", Decimal("1.00")),
            Leg("Assets:Cash:Steward", Decimal("-0.99")),
        ),
    )
    assert [(f, str(r)) for f, r in check_draft(d)] == [
        ("legs", "legs do not balance: they sum to 0.01 CNY, not 0.00")
    ]
    assert bean.residual(bean.to_transaction(d)) == Decimal("0.01")
