"""Bank statements in, matched to the books, and a month reconciled and approved — from an
empty database through the API, with the two sample statement layouts (issue 18)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import NewEstate, decide
from tests.integration.reconciliation.bank_world import (
    SAMPLES,
    bank_world,
    ok,
    paid_claim,
    upload,
)
from trustfund.db.models.journal import JournalEntry
from trustfund.db.models.reconciliation import BankMatch, BankStatementLine


def _counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count(BankStatementLine.id))) or 0,
        session.scalar(select(func.count(BankMatch.id))) or 0,
        session.scalar(select(func.count(JournalEntry.id))) or 0,
    )


def _line(overview: dict[str, Any], serial: str) -> dict[str, Any]:
    for group in ("unmatched_lines",):
        for line in overview[group]:
            if line["serial"] == serial:
                return dict(line)
    for proposal in overview["proposed"]:
        if proposal["line"]["serial"] == serial:
            return dict(proposal["line"])
    raise AssertionError(f"line {serial} is neither unmatched nor proposed")


def imported_world(session: Session, client: TestClient[Litestar]) -> NewEstate:
    estate = bank_world(session, client)
    first = ok(upload(estate, "steward", "bank-statement-split.csv"), 201)
    assert (first["rows"], first["new_lines"], first["known_lines"]) == (8, 8, 0)
    # deposit 01-12, bill 01-20 and bill 01-30 ↔ line 02-02 agree uniquely
    assert first["matched"] == 3
    second = ok(upload(estate, "steward", "bank-statement-signed.xlsx"), 201)
    # two lines overlap the first file and are skipped; 02-10 and 03-04 match
    assert (second["rows"], second["new_lines"], second["known_lines"]) == (5, 3, 2)
    assert second["matched"] == 2
    return estate


def test_statements_in_both_layouts_are_matched_proposed_and_unmatched(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = imported_world(session, client)
    overview = ok(estate.get("steward", "/bank/matches"))
    matched = {m["entry_seq"]: m for m in overview["matches"]}
    assert len(matched) == 5 and all(m["kind"] == "auto" for m in matched.values())
    # the two 200.00 transfers of 01-05 and 01-06: each line has both payments as candidates
    proposed = {p["line"]["serial"]: p for p in overview["proposed"]}
    assert set(proposed) == {"2026010500012", "2026010600007"}
    assert all(len(p["candidates"]) == 2 for p in proposed.values())
    # the bank's fees and the community's 500.00 are on the statement only
    unmatched = {(line["date"], line["amount"]) for line in overview["unmatched_lines"]}
    assert unmatched == {
        ("2026-01-20", "-2.00"),
        ("2026-02-03", "500.00"),
        ("2026-02-28", "-2.00"),
    }
    # the line of 2025-12-21 is before the books opened: neither proposed nor unmatched
    assert "2025122100001" not in str(overview)
    # the two proposed payments are the books' only unmatched movements
    assert sorted(e["date"] for e in overview["unmatched_entries"]) == [
        "2026-01-05",
        "2026-01-06",
    ]
    lines = ok(estate.get("steward", "/bank/lines"))
    assert len(lines) == 11
    deposit = next(line for line in lines if line["serial"] == "2026011200003")
    assert deposit["match_kind"] == "auto" and len(deposit["entry_seqs"]) == 1


def test_reimporting_a_statement_changes_nothing(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = imported_world(session, client)
    before = _counts(session)
    for name in ("bank-statement-split.csv", "bank-statement-signed.xlsx"):
        again = ok(upload(estate, "steward", name), 200)
        assert (again["new_lines"], again["matched"], again["import_id"]) == (0, 0, None)
    # the same lines in the other layout (CSV of the XLSX) change nothing either
    ok(upload(estate, "steward", "bank-statement-signed.csv"), 200)
    assert _counts(session) == before


def _confirm_january(estate: NewEstate, who: str = "steward") -> None:
    """Confirm the 01-05 line as the 01-05 payment; the 01-06 pair, unique now, is matched
    automatically."""
    overview = ok(estate.get(who, "/bank/matches"))
    by_date = {e["date"]: e["seq"] for e in overview["unmatched_entries"]}
    line = _line(overview, "2026010500012")
    made = ok(
        estate.post(
            who, "/bank/matches", {"line_id": line["id"], "entry_seqs": [by_date["2026-01-05"]]}
        ),
        201,
    )
    assert made["matches"][0]["kind"] == "confirmed"
    assert made["matches"][0]["matched_by_name"] == who
    assert made["matched"] == 1
    after = ok(estate.get(who, "/bank/matches"))
    assert after["proposed"] == [] and after["unmatched_entries"] == []


def test_a_month_is_reconciled_prepared_and_approved(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = imported_world(session, client)
    _confirm_january(estate)
    month = ok(estate.get("member1", "/bank/reconciliations/2026-01"))
    assert month["statement_balance"] == "10248.00"
    # 10,000 opening + 200 + 200 + 200 (deposit) − 350 − 120
    assert month["book_balance"] == "10130.00"
    # paid on 01-30, on the statement 02-02: the book item in transit
    assert [(i["date"], i["amount"]) for i in month["book_items"]] == [("2026-01-30", "-120.00")]
    assert month["book_paid_not_on_statement"] == "120.00"
    # the bank's fee of 01-20: the statement item not yet in the books
    assert [(i["date"], i["amount"]) for i in month["statement_items"]] == [("2026-01-20", "-2.00")]
    assert month["bank_paid_not_in_books"] == "2.00"
    assert month["adjusted_statement_balance"] == month["adjusted_book_balance"] == "10128.00"
    assert month["balanced"] and month["can_prepare"] and month["status"] == "not_prepared"
    confirmed = [m for m in month["matches"] if m["kind"] == "confirmed"]
    assert [m["matched_by_name"] for m in confirmed] == ["steward"]

    prepared = ok(estate.post("steward", "/bank/reconciliations/2026-01/prepare"), 201)
    assert prepared["status"] == "pending"
    request_id = prepared["approval_request_id"]
    # four eyes: the preparer cannot approve
    assert decide(estate, "steward", request_id).status_code == 403
    decided = ok(decide(estate, "member1", request_id))
    assert decided["status"] == "approved"
    month = ok(estate.get("steward", "/bank/reconciliations/2026-01"))
    assert month["status"] == "reconciled"
    assert [a["name"] for a in month["approved_by"]] == ["member1"]
    listed = {m["month"]: m["status"] for m in ok(estate.get("member2", "/bank/reconciliations"))}
    assert listed["2026-01"] == "reconciled" and listed["2026-02"] == "not_prepared"
    # re-importing leaves the approval standing
    ok(upload(estate, "steward", "bank-statement-split.csv"), 200)
    assert ok(estate.get("steward", "/bank/reconciliations/2026-01"))["status"] == "reconciled"


def test_a_month_that_does_not_agree_or_is_not_covered_cannot_be_prepared(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = bank_world(session, client)
    # only the signed file: February's statement starts at 02-02, nothing of January
    ok(upload(estate, "steward", "bank-statement-signed.csv"), 201)
    refused = estate.post("steward", "/bank/reconciliations/2026-03/prepare")
    assert refused.status_code == 409
    assert any("covers only through 2026-03-04" in p for p in refused.json()["problems"])
    january = ok(estate.get("steward", "/bank/reconciliations/2026-01"))
    # the statement's 10,248.00 before 02-02 against books that moved since 01-01
    assert not january["balanced"] and january["difference"] != "0.00"
    refused = estate.post("steward", "/bank/reconciliations/2026-01/prepare")
    assert refused.status_code == 409 and "differ by" in refused.text
    bad = estate.get("steward", "/bank/reconciliations/2026-13")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "month"


# --- the insider ------------------------------------------------------------------------------


def test_a_match_changed_after_approval_voids_the_reconciliation(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = imported_world(session, client)
    _confirm_january(estate)
    prepared = ok(estate.post("steward", "/bank/reconciliations/2026-01/prepare"), 201)
    ok(decide(estate, "member1", prepared["approval_request_id"]))
    line = next(
        m["line"]
        for m in ok(estate.get("steward", "/bank/reconciliations/2026-01"))["matches"]
        if m["line"]["serial"] == "2026010500012"
    )
    undone = ok(estate.post("steward", f"/bank/lines/{line['id']}/unmatch"))
    assert undone["reconciliations_voided"] == ["2026-01"]
    month = ok(estate.get("member1", "/bank/reconciliations/2026-01"))
    assert month["status"] == "void" and month["approval_status"] == "void"
    # the undone match stays on record, with who undid it
    session.expire_all()
    row = session.scalars(select(BankMatch).where(BankMatch.line_id == line["id"])).one()
    assert row.undone_at is not None and row.undone_by == estate.ids["steward"]


def test_a_pending_reconciliation_cannot_be_approved_after_its_figures_changed(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = imported_world(session, client)
    _confirm_january(estate)
    prepared = ok(estate.post("steward", "/bank/reconciliations/2026-01/prepare"), 201)
    # a match undone after it was submitted: the committee's decision meets other figures
    line = next(
        m["line"]
        for m in ok(estate.get("steward", "/bank/reconciliations/2026-01"))["matches"]
        if m["line"]["serial"] == "2026010600007"
    )
    ok(estate.post("steward", f"/bank/lines/{line['id']}/unmatch"))
    refused = decide(estate, "member1", prepared["approval_request_id"])
    assert refused.status_code == 409
    assert ok(estate.get("member1", "/bank/reconciliations/2026-01"))["status"] == "void"


def test_an_entry_posted_into_an_approved_month_unreconciles_it(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = imported_world(session, client)
    _confirm_january(estate)
    prepared = ok(estate.post("steward", "/bank/reconciliations/2026-01/prepare"), 201)
    ok(decide(estate, "member1", prepared["approval_request_id"]))
    # a bill paid afterwards, dated in January: the figures are no longer those the
    # committee approved, so the month no longer reads as reconciled
    paid_claim(estate, "新河水电维修部", "补记1月电费", "50.00", "2026-01-28", "2026-01-28")
    month = ok(estate.get("member1", "/bank/reconciliations/2026-01"))
    assert month["status"] == "void" and month["book_balance"] == "10080.00"


def test_wrong_matches_are_refused_and_confirmations_name_their_author(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = imported_world(session, client)
    overview = ok(estate.get("steward", "/bank/matches"))
    by_date = {e["date"]: e["seq"] for e in overview["unmatched_entries"]}
    fee_line = next(
        line for line in overview["unmatched_lines"] if line["serial"] == "2026012000022"
    )
    # hiding the bank's −2.00 behind a 200.00 payment: amounts must agree exactly
    wrong = estate.post(
        "steward",
        "/bank/matches",
        {"line_id": fee_line["id"], "entry_seqs": [by_date["2026-01-05"]]},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "entry_seqs"
    # an entry already matched (the 350.00 bill) cannot be matched to a second line
    bill = next(m for m in overview["matches"] if m["kind"] == "auto")
    proposed = overview["proposed"][0]["line"]
    twice = estate.post(
        "steward", "/bank/matches", {"line_id": proposed["id"], "entry_seqs": [bill["entry_seq"]]}
    )
    assert twice.status_code == 409
    # the 500.00 from the community matched to the 200.00 transfer of 02-10 and two others:
    # the sum must be the line's
    grant = next(line for line in overview["unmatched_lines"] if line["amount"] == "500.00")
    summed = estate.post(
        "steward",
        "/bank/matches",
        {"line_id": grant["id"], "entry_seqs": [by_date["2026-01-05"], by_date["2026-01-06"]]},
    )
    assert summed.status_code == 422 and "sum to 400.00" in summed.text
    # a committee member (no RECORD) cannot confirm a match
    member = estate.post(
        "member1",
        "/bank/matches",
        {"line_id": proposed["id"], "entry_seqs": [by_date["2026-01-05"]]},
    )
    assert member.status_code == 403
    # beyond ±3 days a reason is required, and kept: the 01-06 line as the 02-10 payment
    later = next(
        line for line in ok(estate.get("steward", "/bank/lines")) if line["date"] == "2026-02-10"
    )
    ok(estate.post("steward", f"/bank/lines/{later['id']}/unmatch"))
    far = {"line_id": _line(overview, "2026010600007")["id"], "entry_seqs": later["entry_seqs"]}
    no_note = estate.post("steward", "/bank/matches", far)
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["field"] == "note"
    kept = ok(estate.post("steward", "/bank/matches", {**far, "note": "住户预付，银行先到账"}), 201)
    assert kept["matches"][0]["note"] == "住户预付，银行先到账"
    nothing_changed = _counts(session)
    assert estate.post("steward", "/bank/lines/999999/unmatch").status_code == 404
    assert _counts(session) == nothing_changed


def test_a_match_beyond_three_days_names_the_entry_and_both_dates_until_a_reason_is_given(
    session: Session, client: TestClient[Litestar]
) -> None:
    """The statement's refusal (``reconciliation.dates_far_apart``) names the entry, its date
    and the line's; a note of blanks is no reason, nothing is matched until one is given, and
    the reason is kept without its blanks."""
    estate = imported_world(session, client)
    overview = ok(estate.get("steward", "/bank/matches"))
    later = next(
        line for line in ok(estate.get("steward", "/bank/lines")) if line["date"] == "2026-02-10"
    )
    ok(estate.post("steward", f"/bank/lines/{later['id']}/unmatch"))
    [seq] = later["entry_seqs"]
    far = {"line_id": _line(overview, "2026010600007")["id"], "entry_seqs": [seq]}
    before = _counts(session)
    for note in ("", "   "):
        refused = estate.post("steward", "/bank/matches", {**far, "note": note})
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert (error["field"], error["code"], error["params"]) == (
            "note",
            "reconciliation.dates_far_apart",
            {"seq": seq, "date": "2026-02-10", "date2": "2026-01-06"},
        )
    assert _counts(session) == before
    kept = ok(estate.post("steward", "/bank/matches", {**far, "note": "  住户预付  "}), 201)
    assert kept["matches"][0]["note"] == "住户预付"


def test_whoever_confirmed_a_match_cannot_approve_the_month(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = imported_world(session, client)
    estate.add_person("dual", "steward", "committee")
    _confirm_january(estate, who="dual")
    prepared = ok(estate.post("steward", "/bank/reconciliations/2026-01/prepare"), 201)
    month = ok(estate.get("member2", "/bank/reconciliations/2026-01"))
    assert {m["matched_by_name"] for m in month["matches"] if m["kind"] == "confirmed"} == {"dual"}
    refused = decide(estate, "dual", prepared["approval_request_id"])
    assert refused.status_code == 403 and "edited" in refused.text
    ok(decide(estate, "member2", prepared["approval_request_id"]))


# --- bad files ----------------------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_bad_rows_are_named_and_nothing_is_imported(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = bank_world(session, client)
    rows = list(csv.reader((SAMPLES / "bank-statement-split.csv").read_text().splitlines()))
    rows[2][2] = "2OO.00"  # row 3: a letter O in the amount
    rows[4][4] = "10601.00"  # row 5: balance breaks the chain (and row 6 with it)
    rows[6][8] = rows[5][8]  # row 7: the serial of row 6 again
    rows[7][0] = "2026-02-30"  # row 8: no such day
    before = _counts(session)
    refused = upload(estate, "steward", "bad.csv", _csv(rows))
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {
        "rows[3].amount_in",
        "rows[5].balance",
        "rows[7].serial",
        "rows[8].date",
    } <= fields
    assert _counts(session) == before
    # an unknown header is refused by name; the estate saves its own name for it once
    renamed = (
        (SAMPLES / "bank-statement-signed.csv").read_text().replace("交易金额", "发生金额(元)")
    )
    unknown = upload(estate, "steward", "signed.csv", renamed.encode())
    assert unknown.status_code == 422 and "发生金额(元)" in unknown.text
    mapping = estate.client.put(
        estate.base + "/bank/mapping",
        json={"columns": {"发生金额(元)": "amount"}},
        headers=estate.people["steward"],
    )
    assert mapping.status_code == 200, mapping.text
    assert ok(upload(estate, "steward", "signed.csv", renamed.encode()), 201)["new_lines"] == 5
    bad_mapping = estate.client.put(
        estate.base + "/bank/mapping",
        json={"columns": {"余额": "amount", "X": "nonsense"}},
        headers=estate.people["steward"],
    )
    assert bad_mapping.status_code == 422
    assert {e["field"] for e in bad_mapping.json()["errors"]} == {"columns.余额", "columns.X"}


def test_a_file_that_does_not_continue_the_stored_statement_is_refused(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = bank_world(session, client)
    ok(upload(estate, "steward", "bank-statement-split.csv"), 201)
    rows = list(csv.reader((SAMPLES / "bank-statement-signed.csv").read_text().splitlines()))
    later = [rows[0], *rows[3:]]  # starts at 02-10 without the overlap: still continues
    ok(upload(estate, "steward", "later.csv", _csv(later)), 201)
    # a file whose first line does not follow the last stored balance: a line is missing
    gap = [rows[0], ["2026-03-20", "100.00", "10900.00", "某人", "", "2026032000001"]]
    refused = upload(estate, "steward", "gap.csv", _csv(gap))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "rows[2].balance"
    # a serial imported before with other figures
    changed = [rows[0], ["2026-02-10", "210.00", "10838.00", "赵敏", "", "2026021000004"]]
    refused = upload(estate, "steward", "changed.csv", _csv(changed))
    assert refused.status_code == 422 and "never changes" in refused.text
    assert Decimal(ok(estate.get("steward", "/bank/lines"))[-1]["balance"]) == Decimal("10746.00")


# --- the disclosure ------------------------------------------------------------------------------


def _bank_section(estate: NewEstate, period: str) -> dict[str, Any]:
    draft = ok(estate.get("steward", f"/disclosures/draft?period={period}"))
    return dict(
        next(s for s in draft["statement"]["sections"] if s["key"] == "bank_reconciliation")
    )


def test_a_disclosure_states_the_bank_balance_it_was_reconciled_to_or_that_it_was_not(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate = imported_world(session, client)
    assert "未与银行对账单核对" in _bank_section(estate, "2026-01")["note"]
    _confirm_january(estate)
    prepared = ok(estate.post("steward", "/bank/reconciliations/2026-01/prepare"), 201)
    ok(decide(estate, "member1", prepared["approval_request_id"]))
    january = _bank_section(estate, "2026-01")
    assert january["status"] == "ok"
    row = january["rows"][0]
    assert (row["as_of"], row["statement_balance"], row["book_balance"]) == (
        "2026-01-31",
        "10248.00",
        "10130.00",
    )
    assert "已与银行对账单核对" in january["note"] and row["approved_on"] in january["note"]
    # February was not reconciled, and a range not ending at a month end cannot be
    february = _bank_section(estate, "2026-02")
    assert february["rows"] == [] and "2026-02-28" in february["note"]
    assert "不是月末" in _bank_section(estate, "2026-01-01..2026-01-15")["note"]
    # once the month's approval is void, the disclosure no longer says it was reconciled
    line = _line(ok(estate.get("steward", "/bank/matches")), "2026012000022")
    made = estate.post(
        "steward",
        "/bank/matches",
        {"line_id": line["id"], "entry_seqs": [1]},
    )
    assert made.status_code == 422  # the opening entry is no bank movement to match
    fee = next(
        m["line"]
        for m in ok(estate.get("steward", "/bank/reconciliations/2026-01"))["matches"]
        if m["line"]["serial"] == "2026010500012"
    )
    ok(estate.post("steward", f"/bank/lines/{fee['id']}/unmatch"))
    assert _bank_section(estate, "2026-01")["rows"] == []
