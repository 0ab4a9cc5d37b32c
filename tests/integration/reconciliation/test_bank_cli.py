"""``trustfund bank import | match | reconcile``: the statement imported, a match confirmed
and January prepared from the command line, with the same checks as the API."""

from __future__ import annotations

import json

from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import decide
from tests.integration.reconciliation.bank_world import SAMPLES, bank_world, ok
from trustfund.cli import main


def _json(runner: CliRunner, *args: str) -> dict[str, object]:
    result = runner.invoke(main, list(args))
    assert result.exit_code == 0, result.output
    loaded: dict[str, object] = json.loads(result.output)
    return loaded


def test_a_month_reconciled_from_the_command_line(
    cli_env: None, session: Session, client: TestClient[Litestar]
) -> None:
    estate = bank_world(session, client)
    runner = CliRunner()
    member = runner.invoke(
        main,
        ["bank", "import", "xinhe", str(SAMPLES / "bank-statement-split.csv"), "--user", "member1"],
    )
    assert member.exit_code == 1 and "may not record" in member.output
    imported = _json(
        runner,
        "bank",
        "import",
        "xinhe",
        str(SAMPLES / "bank-statement-split.csv"),
        "--user",
        "steward",
    )
    assert imported["new_lines"] == 8 and imported["matched"] == 3
    again = _json(
        runner,
        "bank",
        "import",
        "xinhe",
        str(SAMPLES / "bank-statement-split.xlsx"),
        "--user",
        "steward",
    )
    assert again["new_lines"] == 0
    listed = _json(runner, "bank", "match", "xinhe", "--user", "steward")
    by_date = {e["date"]: e["seq"] for e in listed["unmatched_entries"]}  # type: ignore[attr-defined]
    line = listed["proposed"][0]["line"]  # type: ignore[index]
    confirmed = _json(
        runner, "bank", "match", "xinhe", "--user", "steward",
        "--line", str(line["id"]), "--entry", str(by_date[line["date"]]),
    )  # fmt: skip
    assert confirmed["matched"] == 1  # the other 200.00 pair is unique now
    wrong = runner.invoke(
        main, ["bank", "match", "xinhe", "--user", "steward", "--line", "1", "--entry", "1"]
    )
    assert wrong.exit_code == 1
    shown = _json(runner, "bank", "reconcile", "xinhe", "2026-01", "--user", "member1")
    assert shown["status"] == "not_prepared" and shown["adjusted_book_balance"] == "10128.00"
    prepared = _json(
        runner, "bank", "reconcile", "xinhe", "2026-01", "--user", "steward", "--prepare"
    )
    assert prepared["status"] == "pending"
    ok(decide(estate, "member1", int(prepared["approval_request_id"])))  # type: ignore[arg-type]
    done = _json(runner, "bank", "reconcile", "xinhe", "2026-01", "--user", "member2")
    assert done["status"] == "reconciled"
