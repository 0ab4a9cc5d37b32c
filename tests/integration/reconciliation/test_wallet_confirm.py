"""A steward confirms by hand which recorded payment a WeChat collection is, and undoes a
match — through the API, on an estate built from an empty database (``wallet_world``) with a
bill of two 200.00 collections several payments could be. The insider's moves are refused on
the server, each with the field and the reason and nothing written: marking as "seen in
WeChat" a payment of another amount, a cash or Alipay payment, a voided receipt's payment, a
payment of another estate the steward also keeps; confirming a withdrawal, a line or a
payment matched already; a committee member confirming at all."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import (
    NewEstate,
    approve_schedule_and_charge,
    decide,
)
from tests.integration.reconciliation.bank_world import SAMPLES, _household, ok
from tests.integration.reconciliation.test_wallet_bills import (
    bank,
    counts,
    upload,
    wallet_world,
)

#: Two collections of 200.00 that name no payment, and a withdrawal (the bill's own lines
#: after the sample's preamble and header).
ROWS = (
    "2026-03-03 09:30:00,二维码收款,*甲,收款,收入,¥200.00,/,已收钱,`4200002026030300000011\t,/,/\n"
    "2026-03-02 18:00:00,二维码收款,*乙,收款,收入,¥200.00,/,已收钱,`4200002026030200000012\t,/,/\n"
    "2026-03-02 09:00:00,提现,/,/,/,¥50.00,/,提现已到账,`1000050001202603020000013\t,/,提现\n"
)
LINE_A, LINE_B, WITHDRAWAL = (
    "4200002026030300000011",
    "4200002026030200000012",
    "1000050001202603020000013",
)


def bill() -> bytes:
    sample = (SAMPLES / "wechat-bill.csv").read_bytes().decode("utf-8-sig")
    head = sample[: sample.index("交易时间,")]
    header = sample[sample.index("交易时间,") :].splitlines()[0]
    return (head + header + "\n" + ROWS).encode("utf-8")


def pay(estate: NewEstate, room: str, method: str, amount: str, on: str, key: str) -> Any:
    code = estate.household_code if room == "101" else _household(estate, room)
    if room != "101":  # a household registered after the charges were issued: charge it
        charged = estate.post("steward", "/fees/charges/2026")
        assert charged.status_code in (200, 201), charged.text
    body = {
        "method": method,
        "amount": amount,
        "paid_on": on,
        "allocations": [{"household_code": code, "fee_year": 2026, "amount": amount}],
    }
    return ok(estate.post("steward", "/fees/payments", body, headers={"Idempotency-Key": key}), 201)


def other_estate_payment(estate: NewEstate) -> int:
    """A second estate the same steward (and member1) keeps, with a WeChat payment of 200.00
    on 2026-03-03: the same amount and days as the bill's collections."""
    client = estate.client
    created = client.post(
        "/api/v1/estates",
        json={"slug": "donghe", "name": "东河小区", "community": "新河社区"},
        headers=estate.admin,
    )
    assert created.status_code == 201, created.text
    for who, role in (("steward", "steward"), ("member1", "committee")):
        granted = client.post(
            f"/api/v1/users/{estate.ids[who]}/memberships",
            json={"role": role, "estate": "donghe"},
            headers=estate.admin,
        )
        assert granted.status_code == 201, granted.text
    other = NewEstate("donghe", client, estate.admin, people=estate.people, ids=estate.ids)
    other.household_code = _household(other, "101")
    opening = ok(
        other.post(
            "steward",
            "/books/opening",
            {"date": "2026-01-01", "funds": [{"fund": "maintenance", "bank": "100.00"}]},
        ),
        201,
    )
    ok(decide(other, "member1", opening["approval_request_id"]))
    approve_schedule_and_charge(other, 2026)
    return int(pay(other, "101", "wechat", "200.00", "2026-03-03", "donghe-1")["id"])


def confirm_world(
    session: Session, client: TestClient[Litestar]
) -> tuple[NewEstate, dict[str, int], dict[str, int]]:
    """``wallet_world`` (WeChat 200.00 on 03-01, 03-02, 03-04, 03-06; Alipay 200.00 on 03-05)
    and: cash 200.00 on 03-02 (room 106), WeChat 150.00 on 03-02 (107, part of the year's
    fee), WeChat 200.00 on 03-03 (108) whose receipt a committee member voided at the
    steward's request, another estate's WeChat 200.00 on 03-03; then the bill above.
    Returns the estate, ``{name: payment id}`` and ``{serial: line id}``."""
    estate, paid = wallet_world(session, client)
    ids = {room: int(answer["id"]) for room, answer in paid.items()}
    ids["cash"] = int(pay(estate, "106", "cash", "200.00", "2026-03-02", "cash")["id"])
    ids["part"] = int(pay(estate, "107", "wechat", "150.00", "2026-03-02", "part")["id"])
    voided = pay(estate, "108", "wechat", "200.00", "2026-03-03", "void")
    ids["void"] = int(voided["id"])
    receipt = voided["receipts"][0]["receipt_no"]
    asked = ok(
        estate.post("steward", f"/fees/receipts/{receipt}/void", {"reason": "重复录入"}), 202
    )
    ok(decide(estate, "member1", asked["approval_request_id"]))
    ids["other"] = other_estate_payment(estate)
    ok(upload(estate, "wechat", "bill.csv", bill()), 201)
    wallet = ok(estate.get("steward", "/bank/wallets/wechat"))
    return estate, ids, {x["serial"]: x["id"] for x in wallet["lines"]}


def confirm(
    estate: NewEstate, line_id: int, payment_id: int, who: str = "steward", **kw: Any
) -> Any:
    body = {"line_id": line_id, "payment_id": payment_id, **kw}
    return estate.post(who, "/bank/wallets/wechat/matches", body)


def refused(answer: Any, status: int, field: str) -> str:
    """The problem's reason for ``field`` (asserting the status and that it names it)."""
    assert answer.status_code == status, (answer.status_code, answer.text)
    errors = {e["field"]: e for e in answer.json()["errors"]}
    assert field in errors, errors
    return str(errors[field]["code"])


def test_the_steward_confirms_a_proposed_payment_and_undoes_it(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate, ids, lines = confirm_world(session, client)
    wallet = ok(estate.get("member1", "/bank/wallets/wechat"))
    proposed = {p["line"]["serial"]: p for p in wallet["proposed"]}
    assert set(proposed) == {LINE_A, LINE_B}
    # only WeChat payments of 200.00 within ±3 days of this estate, none voided
    offered = {c["payment_id"] for c in proposed[LINE_A]["candidates"]}
    assert offered == {ids["101"], ids["102"], ids["103"], ids["104"]}

    made = ok(confirm(estate, lines[LINE_A], ids["103"]), 201)
    assert made["line"]["serial"] == LINE_A and made["line"]["match_kind"] == "confirmed"
    assert made["line"]["matched_by_name"] == "steward"
    assert made["line"]["entry_seqs"] == made["payment"]["entry_seqs"]
    assert made["payment"]["payment_id"] == ids["103"]
    shown = {x["serial"]: x for x in ok(estate.get("member1", "/bank/wallets/wechat"))["lines"]}
    assert shown[LINE_A]["entry_seqs"] == made["payment"]["entry_seqs"]
    assert shown[LINE_A]["matched_by_name"] == "steward"

    # the same payment for the other line, another payment for the confirmed line: 409
    assert refused(confirm(estate, lines[LINE_B], ids["103"]), 409, "payment_id") == (
        "bank.wallet_payment_matched"
    )
    assert refused(confirm(estate, lines[LINE_A], ids["101"]), 409, "line_id") == (
        "bank.wallet_line_matched"
    )
    # 104's payment is dated 03-06, four days after line B: only with a reason
    assert refused(confirm(estate, lines[LINE_B], ids["104"]), 422, "note") == (
        "bank.wallet_dates_far_apart"
    )
    far = ok(confirm(estate, lines[LINE_B], ids["104"], note="业主说是 3 月 2 日扫的码"), 201)
    assert far["line"]["match_note"] == "业主说是 3 月 2 日扫的码"

    # undone: kept as history, not matched again automatically, confirmable again
    undone = ok(estate.post("steward", f"/bank/wallets/wechat/lines/{lines[LINE_A]}/unmatch"))
    assert (undone["undone"], undone["bank_unmatched"]) == (1, 0)
    assert refused(
        estate.post("steward", f"/bank/wallets/wechat/lines/{lines[LINE_A]}/unmatch"),
        409,
        "line_id",
    ) == ("bank.wallet_line_not_matched")
    again = ok(estate.post("steward", "/bank/wallets/wechat/match"))
    assert again["matched"] == 0
    assert LINE_A in {p["line"]["serial"] for p in again["proposed"]}
    ok(confirm(estate, lines[LINE_A], ids["101"]), 201)

    # every write is in the estate's audit log under its own action
    actions = [e["action"] for e in ok(estate.get("member1", "/audit"))]
    assert actions.count("bank.confirm_wallet") == 3
    assert actions.count("bank.unmatch_wallet") == 1


def test_the_insiders_moves_are_refused_and_nothing_is_written(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate, ids, lines = confirm_world(session, client)
    before = counts(session)
    line = lines[LINE_A]
    # a payment that never came through WeChat: cash, Alipay
    assert refused(confirm(estate, line, ids["cash"]), 422, "payment_id") == (
        "bank.wallet_other_method"
    )
    alipay = confirm(estate, line, ids["105"])
    assert refused(alipay, 422, "payment_id") == "bank.wallet_other_method"
    assert "alipay" in alipay.json()["detail"]
    # another amount: 150.00 is not the line's 200.00
    differs = confirm(estate, line, ids["part"])
    assert refused(differs, 422, "payment_id") == "bank.wallet_amount_differs"
    assert "150.00" in differs.json()["detail"] and "200.00" in differs.json()["detail"]
    # a voided receipt's payment is no longer money in the books
    assert refused(confirm(estate, line, ids["void"]), 422, "payment_id") == (
        "bank.wallet_payment_voided"
    )
    # another estate's payment answers as an id that does not exist (its existence not shown)
    other = confirm(estate, line, ids["other"])
    assert refused(other, 404, "payment_id") == "bank.no_payment"
    missing = confirm(estate, line, 999_999)
    assert refused(missing, 404, "payment_id") == "bank.no_payment"
    # lines: a withdrawal is no payment; unknown ids; a WeChat line through the Alipay route
    assert refused(confirm(estate, lines[WITHDRAWAL], ids["101"]), 422, "line_id") == (
        "bank.wallet_not_collection"
    )
    assert refused(confirm(estate, 999_999, ids["101"]), 404, "line_id") == "bank.no_wallet_line"
    through_alipay = estate.post(
        "steward", "/bank/wallets/alipay/matches", {"line_id": line, "payment_id": ids["105"]}
    )
    assert refused(through_alipay, 404, "line_id") == "bank.no_wallet_line"
    assert confirm(estate, line, ids["101"], note="x" * 201).status_code == 422
    bad_source = estate.post(
        "steward", "/bank/wallets/unionpay/matches", {"line_id": line, "payment_id": ids["101"]}
    )
    assert bad_source.status_code == 404
    # the other estate's route does not take this estate's line either
    cross = estate.client.post(
        "/api/v1/estates/donghe/bank/wallets/wechat/matches",
        json={"line_id": line, "payment_id": ids["other"]},
        headers=estate.people["steward"],
    )
    assert refused(cross, 404, "line_id") == "bank.no_wallet_line"
    # a committee member may read but not confirm or undo; nobody undoes an unmatched line
    assert confirm(estate, line, ids["101"], who="member1").status_code == 403
    member_undo = estate.post("member1", f"/bank/wallets/wechat/lines/{line}/unmatch")
    assert member_undo.status_code == 403
    assert refused(
        estate.post("steward", f"/bank/wallets/wechat/lines/{line}/unmatch"), 409, "line_id"
    ) == ("bank.wallet_line_not_matched")
    assert estate.post("steward", "/bank/wallets/wechat/lines/999999/unmatch").status_code == 404
    assert counts(session) == before
    # refusals are in the audit log as well
    denied = [
        e
        for e in ok(estate.get("member1", "/audit"))
        if e["action"] == "bank.confirm_wallet" and e["outcome"] != "ok"
    ]
    assert denied


def test_undoing_a_collection_undoes_the_bank_match_that_rested_on_it(
    session: Session, client: TestClient[Litestar]
) -> None:
    """The sample bill with the bank statement: the 400.00 withdrawal reached the bank, and
    that bank line was matched to the two payments it carried. Undoing one of them (the
    steward says the 03-01 line was not 101's payment) unmatches that bank line too; the
    right payment confirmed again brings it back."""
    estate, paid = wallet_world(session, client)
    ok(bank(estate), 201)
    imported = ok(upload(estate, "wechat", "wechat-bill.csv"), 201)
    assert imported["bank_matched"] == 1
    wallet = ok(estate.get("steward", "/bank/wallets/wechat"))
    lines = {x["serial"]: x["id"] for x in wallet["lines"]}
    first = lines["4200002026030100000001"]

    def carried() -> list[int]:
        matches = ok(estate.get("steward", "/bank/matches"))["matches"]
        return [m["entry_seq"] for m in matches if m["note"].startswith("微信支付提现")]

    assert len(carried()) == 2
    undone = ok(estate.post("steward", f"/bank/wallets/wechat/lines/{first}/unmatch"))
    assert (undone["undone"], undone["bank_unmatched"]) == (1, 1)
    assert carried() == []
    # matching again does not take the line back by itself
    assert ok(estate.post("steward", "/bank/wallets/wechat/match"))["matched"] == 0
    redone = ok(confirm(estate, first, int(paid["101"]["id"])), 201)
    assert redone["bank_matched"] == 1 and len(carried()) == 2
    # undoing the withdrawal's own match unmatches its bank line as well
    withdrawal = lines["1000050001202603030000001"]
    gone = ok(estate.post("steward", f"/bank/wallets/wechat/lines/{withdrawal}/unmatch"))
    assert (gone["undone"], gone["bank_unmatched"]) == (1, 1)
    assert carried() == []
