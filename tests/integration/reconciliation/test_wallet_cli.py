"""``trustfund bank wallet-match``: a steward confirms from the command line which recorded
payment a WeChat collection is and undoes the match, calling the same services as the API
(``POST …/bank/wallets/{source}/matches`` and ``…/lines/{id}/unmatch``), on an estate built
from an empty database: the administrator by ``trustfund user add --admin``, the estate,
people, households, fee and payments by the API, the bill by ``trustfund bank
wallet-import``. The insider's moves end with exit code 1, the field and the reason, and
nothing written: a payment of another amount, a committee member confirming or undoing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import Result

from tests.api_flows import charge_fee_year, pay_fee, register_household
from tests.integration.estates.public_setup import Installation
from tests.integration.journal.api_setup import SCHEDULE
from tests.integration.reconciliation.test_wallet_confirm import LINE_A, LINE_B, bill
from tests.integration.staff_setup import SLUG, installation, open_estate  # noqa: F401
from trustfund.cli import main


def wallet(tf: Installation, *args: str) -> Result:
    return tf.runner.invoke(main, ["bank", "wallet-match", SLUG, "wechat", *args])


def answer(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_collection_confirmed_and_undone_from_the_command_line(
    installation: Installation,  # noqa: F811
    tmp_path: Path,
) -> None:
    tf = installation
    call = open_estate(tf)
    codes = {room: register_household(call, "steward", room) for room in ("101", "102", "103")}
    charge_fee_year(call, "steward", "committee", SCHEDULE)
    paid = {
        room: pay_fee(
            call, "steward", codes[room], amount, on, key=f"wechat-{room}", method="wechat"
        )["id"]
        for room, amount, on in (
            ("101", "200.00", "2026-03-02"),
            ("102", "200.00", "2026-03-03"),
            ("103", "150.00", "2026-03-02"),
        )
    }
    path = tmp_path / "wechat-bill.csv"
    path.write_bytes(bill())  # two collections of 200.00 (03-02, 03-03) and a withdrawal
    imported = json.loads(tf.cli("bank", "wallet-import", SLUG, "wechat", str(path),
                                 "--user", "steward"))  # fmt: skip
    assert imported["new_lines"] == 3

    # without options: matched again, the two collections proposed with both 200.00 payments
    listed = answer(wallet(tf, "--user", "steward"))
    assert listed["matched"] == 0
    lines = {x["serial"]: x["id"] for x in listed["lines"]}
    proposed = {p["line"]["serial"]: p["candidates"] for p in listed["proposed"]}
    assert {c["payment_id"] for c in proposed[LINE_A]} == {paid["101"], paid["102"]}
    before = call("GET", "committee", "/bank/wallets/wechat")

    # the insider: a payment of another amount; a committee member confirming; both refused
    differs = wallet(tf, "--user", "steward", "--line", str(lines[LINE_A]),
                     "--payment", str(paid["103"]))  # fmt: skip

    assert differs.exit_code == 1
    assert "payment_id: " in differs.output
    assert "150.00" in differs.output and "200.00" in differs.output
    member = wallet(tf, "--user", "committee", "--line", str(lines[LINE_A]),
                    "--payment", str(paid["102"]))  # fmt: skip
    assert member.exit_code == 1 and "may not record" in member.output
    half = wallet(tf, "--user", "steward", "--line", str(lines[LINE_A]))
    assert half.exit_code == 2 and "--line and --payment go together" in half.output
    assert call("GET", "committee", "/bank/wallets/wechat") == before  # nothing written

    # confirmed: line A is 102's payment, which leaves line B only 101's: matched at once
    made = answer(wallet(tf, "--user", "steward", "--line", str(lines[LINE_A]),
                         "--payment", str(paid["102"])))  # fmt: skip
    assert (
        made["line"]["match_kind"] == "confirmed" and made["line"]["matched_by_name"] == "steward"
    )
    assert made["payment"]["payment_id"] == paid["102"] and made["matched"] == 1
    shown = {x["serial"]: x for x in call("GET", "committee", "/bank/wallets/wechat")["lines"]}
    assert shown[LINE_A]["entry_seqs"] == made["payment"]["entry_seqs"]
    assert shown[LINE_B]["match_kind"] == "auto"

    # undone by the steward (a committee member may not), kept as history; once only
    member = wallet(tf, "--user", "committee", "--undo", str(lines[LINE_A]))
    assert member.exit_code == 1 and "may not record" in member.output
    undone = answer(wallet(tf, "--user", "steward", "--undo", str(lines[LINE_A])))
    assert (undone["undone"], undone["bank_unmatched"]) == (1, 0)
    again = wallet(tf, "--user", "steward", "--undo", str(lines[LINE_A]))
    assert again.exit_code == 1 and "line_id: " in again.output
    shown = {x["serial"]: x for x in call("GET", "committee", "/bank/wallets/wechat")["lines"]}
    assert shown[LINE_A]["entry_seqs"] == [] and shown[LINE_B]["match_kind"] == "auto"
