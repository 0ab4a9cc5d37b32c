"""WeChat Pay and Alipay bills of a collection code (收款码), imported from the sample files
through the API into an estate built from an empty database: collections matched to the fee
payments recorded with that method, withdrawals to the bank statement line that received
them and that bank line to the payments it carried; what is left listed on both sides; a
re-import changes nothing; a bad file is refused whole, row and column named (issue 18)."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import (
    NewEstate,
    approve_schedule_and_charge,
    decide,
    new_estate,
)
from tests.integration.reconciliation.bank_world import SAMPLES, _household, ok
from trustfund.cli import main
from trustfund.db.models.reconciliation import BankMatch, WalletLine, WalletMatch

BANK_CSV = (
    "交易日期,摘要,收入金额,支出金额,余额,对方户名,附言,流水号\n"
    "2026-03-03,转账,400.00,,10400.00,财付通支付科技有限公司,微信提现,2026030300001\n"
    "2026-03-07,转账,198.80,,10598.80,支付宝（中国）网络技术有限公司,提现,2026030700001\n"
)


def wallet_world(
    session: Session, client: TestClient[Litestar]
) -> tuple[NewEstate, dict[str, Any]]:
    """Books opened 2026-01-01 (10,000.00 in the bank); five households' 200.00 recorded:
    101 by WeChat on 03-01 (receipt 2026-000001), 102 on 03-02 (000002), 104 on 03-06 (000003,
    not in the wallet's bill), 103 on 03-04 (000004, reference = the 交易单号's last digits),
    105 by Alipay on 03-05 (000005). Returns the estate and ``{room: payment answer}``."""
    estate = new_estate(session, client)
    codes = {"101": estate.household_code}
    for room in ("102", "103", "104", "105"):
        codes[room] = _household(estate, room)
    proposal = ok(
        estate.post(
            "steward",
            "/books/opening",
            {
                "date": "2026-01-01",
                "funds": [
                    {"fund": "electricity", "bank": "3000.00"},
                    {"fund": "maintenance", "bank": "5000.00"},
                    {"fund": "garbage", "bank": "2000.00"},
                ],
            },
        ),
        201,
    )
    ok(decide(estate, "member1", proposal["approval_request_id"]))
    approve_schedule_and_charge(estate, 2026)
    paid = {}
    for room, on, method, reference in (
        ("101", "2026-03-01", "wechat", ""),
        ("102", "2026-03-02", "wechat", ""),
        ("104", "2026-03-06", "wechat", ""),
        ("103", "2026-03-04", "wechat", "0400000004"),
        ("105", "2026-03-05", "alipay", ""),
    ):
        body = {
            "method": method,
            "amount": "200.00",
            "paid_on": on,
            "reference": reference,
            "allocations": [{"household_code": codes[room], "fee_year": 2026, "amount": "200.00"}],
        }
        paid[room] = ok(
            estate.post("steward", "/fees/payments", body, headers={"Idempotency-Key": room}), 201
        )
    return estate, paid


def upload(estate: NewEstate, source: str, name: str, content: bytes | None = None) -> Any:
    data = content if content is not None else (SAMPLES / name).read_bytes()
    return estate.client.post(
        f"{estate.base}/bank/wallets/{source}/import",
        files={"file": (name, data, "text/csv")},
        headers=estate.people["steward"],
    )


def bank(estate: NewEstate) -> Any:
    return estate.client.post(
        f"{estate.base}/bank/statements/import",
        files={"file": ("bank.csv", BANK_CSV.encode(), "text/csv")},
        headers=estate.people["steward"],
    )


def seq_of(estate: NewEstate, receipt: str) -> int:
    ledger = ok(estate.get("steward", "/bank/matches"))
    entries = ledger["unmatched_entries"] + [{"seq": m["entry_seq"]} for m in ledger["matches"]]
    for entry in entries:
        if receipt in entry.get("narration", ""):
            return int(entry["seq"])
    raise AssertionError(receipt)


def counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count(WalletLine.id))) or 0,
        session.scalar(select(func.count(WalletMatch.id))) or 0,
        session.scalar(select(func.count(BankMatch.id))) or 0,
    )


def test_a_wechat_bill_is_matched_to_payments_and_its_withdrawal_to_the_bank(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate, _ = wallet_world(session, client)
    receipts = {r: seq_of(estate, f"收据2026-00000{r}") for r in "12345"}
    ok(bank(estate), 201)
    imported = ok(upload(estate, "wechat", "wechat-bill.csv"), 201)
    assert (imported["rows"], imported["new_lines"], imported["known_lines"]) == (5, 5, 0)
    # 03-02 names its receipt in 备注, 03-04 is named by the payment's reference; then 03-01
    # is unique; the 提现 of 03-03 reached the bank's 400.00 line of 03-03
    assert imported["matched"] == 4
    # …and that bank line is the two payments the withdrawal carried (03-01, 03-02)
    assert imported["bank_matched"] == 1
    wallet = ok(estate.get("member1", "/bank/wallets/wechat"))
    by_serial = {line["serial"]: line for line in wallet["lines"]}
    assert by_serial["4200002026030100000001"]["entry_seqs"] == [receipts["1"]]
    assert by_serial["4200002026030200000002"]["entry_seqs"] == [receipts["2"]]
    assert by_serial["4200002026030400000004"]["entry_seqs"] == [receipts["4"]]
    withdrawal = by_serial["1000050001202603030000001"]
    assert withdrawal["kind"] == "withdrawal" and withdrawal["bank_line_id"] is not None
    # unmatched on both sides: 100.00 collected but not recorded; 104's payment recorded as
    # WeChat on 03-06 but not in the bill
    assert [(x["date"], x["amount"]) for x in wallet["unmatched_lines"]] == [
        ("2026-03-05", "100.00")
    ]
    assert [p["receipts"] for p in wallet["unmatched_payments"]] == [["2026-000003"]]
    assert wallet["proposed"] == []
    # the bank's view: the 400.00 line is the two WeChat payments, matched automatically
    matches = ok(estate.get("steward", "/bank/matches"))["matches"]
    carried = sorted(m["entry_seq"] for m in matches if m["note"].startswith("微信支付提现"))
    assert carried == sorted([receipts["1"], receipts["2"]])
    # a re-import changes nothing
    before = counts(session)
    again = ok(upload(estate, "wechat", "wechat-bill.csv"), 200)
    assert (again["new_lines"], again["import_id"], again["matched"]) == (0, None, 0)
    assert counts(session) == before


def test_an_alipay_bill_with_the_wallets_fee_leaves_the_difference_listed(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate, _ = wallet_world(session, client)
    # the bill first, the bank statement later: the withdrawal is matched when it arrives
    imported = ok(upload(estate, "alipay", "alipay-bill.csv"), 201)
    assert (imported["new_lines"], imported["matched"], imported["bank_matched"]) == (3, 1, 0)
    ok(bank(estate), 201)
    wallet = ok(estate.get("steward", "/bank/wallets/alipay"))
    kinds = {line["kind"]: line for line in wallet["lines"]}
    assert kinds["collection"]["entry_seqs"] == [seq_of(estate, "收据2026-000005")]
    assert kinds["withdrawal"]["bank_line_id"] is not None
    assert kinds["fee"]["amount"] == "-1.20" and kinds["fee"]["balance"] == "198.80"
    # the 1.20 fee is not in the books: listed, and the bank's 198.80 stays unmatched
    # against the 200.00 payment until the fee is recorded and a person confirms
    assert [x["kind"] for x in wallet["unmatched_lines"]] == ["fee"]
    overview = ok(estate.get("steward", "/bank/matches"))
    assert "198.80" in [line["amount"] for line in overview["unmatched_lines"]]


def test_a_bad_bill_is_refused_whole_and_names_row_and_column(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate, _ = wallet_world(session, client)
    text = (SAMPLES / "wechat-bill.csv").read_bytes().decode("utf-8-sig")
    broken = text.replace("¥100.00", "¥1OO.00")  # row 18: letters O in the amount
    broken = broken.replace("2026-03-02 08:15:40", "2026-02-30 08:15:40")  # row 21: no such day
    refused = upload(estate, "wechat", "bad.csv", broken.encode())
    assert refused.status_code == 422, refused.text
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"rows[18].amount", "rows[21].date"} <= fields, fields
    assert counts(session) == (0, 0, 0)
    # a line imported before may not come back with other figures
    ok(upload(estate, "wechat", "wechat-bill.csv"), 201)
    changed = text.replace("¥200.00,/,已收钱,`42000020260304", "¥210.00,/,已收钱,`42000020260304")
    refused = upload(estate, "wechat", "changed.csv", changed.encode())
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "rows[19].serial"
    # no header row at all, an unknown wallet, and a committee member (no RECORD)
    nothing = upload(estate, "alipay", "x.csv", "#支付宝账务明细查询\n#导出时间\n".encode("gbk"))
    assert nothing.status_code == 422 and nothing.json()["errors"][0]["field"] == "columns"
    assert upload(estate, "unionpay", "wechat-bill.csv").status_code == 404
    member = estate.client.post(
        f"{estate.base}/bank/wallets/wechat/import",
        files={"file": ("w.csv", (SAMPLES / "wechat-bill.csv").read_bytes(), "text/csv")},
        headers=estate.people["member1"],
    )
    assert member.status_code == 403


def test_a_bill_from_the_command_line_and_matched_again(
    cli_env: None, session: Session, client: TestClient[Litestar]
) -> None:
    estate, _ = wallet_world(session, client)
    runner = CliRunner()
    path = str(SAMPLES / "alipay-bill.csv")
    member = runner.invoke(
        main, ["bank", "wallet-import", "xinhe", "alipay", path, "--user", "member1"]
    )
    assert member.exit_code == 1 and "may not record" in member.output
    done = runner.invoke(
        main, ["bank", "wallet-import", "xinhe", "alipay", path, "--user", "steward"]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["new_lines"] == 3
    # matching again changes nothing once everything unique is matched
    again = ok(estate.post("steward", "/bank/wallets/alipay/match"))
    assert (again["matched"], again["bank_matched"]) == (0, 0)
    assert [x["kind"] for x in again["unmatched_lines"]] == ["fee", "withdrawal"]
