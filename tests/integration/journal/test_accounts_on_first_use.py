"""Issue 17: a new estate's ledger opens an account only when it is first needed, and each
``open`` carries the account's Chinese name from the one label function
(``ledger.accounts.account_label``), escaped like every string in the file — so a Fava or
bean-query user reads 业委会银行账户 next to ``Assets:Bank:Committee`` (``open_meta(account,
"name")``) and finds no account that was never used. Books opened before this change keep
their opening directives as they were stored (they are hashed entries of the chain).

The estate is built through the CLI and the API (``tests/integration/staff_setup.py``)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.integration.estates.public_setup import Installation
from tests.integration.staff_setup import SLUG, installation, open_estate  # noqa: F401
from trustfund.db.models.estates import Estate
from trustfund.journal import service
from trustfund.ledger.accounts import account_label, books_chart
from trustfund.ledger.text import quote

BEAN_CHECK = Path(sys.executable).parent / "bean-check"
OPEN = re.compile(r'^(\d{4}-\d{2}-\d{2}) open (\S+) CNY\n(?:  .*\n)*?  name: (".*")$', re.M)
POSTING = re.compile(r"^  ([A-Z][A-Za-z0-9:-]+) -?\d", re.M)


def _ledger(tf: Installation) -> str:
    answer = tf.client.get(f"/api/v1/public/estates/{SLUG}/ledger.beancount")
    assert answer.status_code == 200, answer.text
    return answer.text


def _opens(text: str) -> dict[str, tuple[str, str]]:
    return {account: (day, name) for day, account, name in OPEN.findall(text)}


def test_accounts_open_when_first_needed_with_their_chinese_names(
    installation: Installation,  # noqa: F811
    tmp_path: Path,
) -> None:
    call = open_estate(installation)
    opened = _opens(_ledger(installation))
    # the books open the bank and each fund's opening equity, nothing else
    assert sorted(opened) == sorted(spec.account for spec in books_chart())

    # a repair claim paid from the bank needs the payable and the repair expense: they open
    # then, dated so that every entry that may still be posted can use them
    claim = call(
        "POST",
        "steward",
        "/claims",
        json={
            "payee": "甬安维修公司",
            "fund": "maintenance",
            "expense_item": "Repairs",
            "description": "3幢楼道声控灯",
            "work_date": "2026-03-02",
            "lines": [{"description": "声控灯", "quantity": 1, "unit": "项", "unit_price": "120"}],
        },
    )
    submitted = call("POST", "steward", f"/claims/{claim['id']}/submit")
    call(
        "POST",
        "committee",
        f"/approvals/{submitted['approval']['request_id']}/decision",
        json={"decision": "approve"},
    )
    call(
        "POST",
        "steward",
        f"/claims/{claim['id']}/pay",
        headers={"Idempotency-Key": "pay-lamps"},
        json={"paid_on": "2026-03-05"},
    )
    text = _ledger(installation)
    opened = _opens(text)
    used = set(POSTING.findall(text))
    assert {"Liabilities:Payable:Contractors", "Expenses:Maintenance:Repairs"} <= opened.keys()
    assert opened["Expenses:Maintenance:Repairs"][0] == "2026-01-01"
    # nothing opened that no entry uses, but the funds' opening equity (every fund is listed
    # from the first day, zero or not)
    fund_markers = {spec.account for spec in books_chart()}
    assert set(opened) - used <= fund_markers
    assert "Income:Autonomy:Government" not in opened
    assert "Equity:Transfers:Maintenance" not in opened
    # each name is the one label function's, escaped like every string of the file
    for account, (_, name) in opened.items():
        assert name == quote(account_label(account)), account
    path = tmp_path / "yh.beancount"
    path.write_text(text, encoding="utf-8")
    checked = subprocess.run([str(BEAN_CHECK), str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_account_first_needed_after_a_published_period_opens_after_it(
    session: Session, estate: Estate
) -> None:
    """No published (locked) period gains an entry: the account opens on the first day after
    the last locked period, or on the books' opening day when nothing is locked (the
    journal's books, opened by ``open_books`` as the other journal tests open them)."""
    service.lock_period(
        session, estate.id, start=date(2026, 1, 1), end=date(2026, 3, 31), reason="2026Q1"
    )
    session.commit()
    opened = service.open_when_needed(
        session,
        estate.id,
        ["Expenses:Garbage:Removal", "Expenses:Nowhere:Bills"],
        on=date(2026, 5, 9),
    )
    assert opened == {"Expenses:Garbage:Removal": date(2026, 4, 1)}
    # an account the chart does not know never opens by itself
    assert service.chart_spec(session, estate.id, "Expenses:Nowhere:Bills") is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


FAVA = os.environ.get("TRUSTFUND_FAVA") or shutil.which("fava")


@pytest.mark.skipif(FAVA is None, reason="fava is not installed (a dev check: TRUSTFUND_FAVA)")
def test_fava_reads_the_chinese_names(
    installation: Installation,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Fava (not a dependency: set TRUSTFUND_FAVA to its executable) opens the exported file
    and answers ``open_meta(account, "name")`` with the Chinese names."""
    open_estate(installation)
    path = tmp_path / "yh.beancount"
    path.write_text(_ledger(installation), encoding="utf-8")
    port = _free_port()
    fava = subprocess.Popen(
        [str(FAVA), "-H", "127.0.0.1", "-p", str(port), str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                first = httpx.get(base + "/", follow_redirects=True, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("fava did not start")
        ledger_slug = urllib.parse.urlsplit(str(first.url)).path.split("/")[1]
        query = 'SELECT account, open_meta(account, "name") AS name GROUP BY account, name'
        rows = httpx.get(
            f"{base}/{ledger_slug}/api/query",
            params={"query_string": query},
            timeout=30,
        ).json()["data"]["rows"]
        assert ["Assets:Bank:Committee", "业委会银行账户"] in rows
        assert ["Equity:Opening:Maintenance", "期初余额·公共设施维护"] in rows
    finally:
        fava.terminate()
        fava.wait(timeout=10)
