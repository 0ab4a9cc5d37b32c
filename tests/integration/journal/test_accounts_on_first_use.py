"""Issue 17: a new estate's ledger opens an account only when it is first needed, and each
``open`` carries the account's Chinese name from the one label function
(``ledger.accounts.account_label``), escaped like every string in the file — so a Fava or
bean-query user reads 业委会银行账户 next to ``Assets:Bank:Committee`` (``open_meta(account,
"name")``) and finds no account that was never used. Books opened before this change keep
their opening directives as they were stored (they are hashed entries of the chain).

The estate is built through the CLI and the API (``tests/integration/staff_setup.py``)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from fava.core import FavaLedger
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.integration.disclosure.test_lock_lifts import _claim, _estate, _locks, _pay, _publish
from tests.integration.estates.public_setup import Installation
from tests.integration.journal.api_setup import decide
from tests.integration.journal.conftest import fee_payment, payout
from tests.integration.staff_setup import SLUG, installation, open_estate  # noqa: F401
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry
from trustfund.db.session import make_session_factory
from trustfund.journal import service
from trustfund.journal.check import check_estate
from trustfund.ledger.accounts import account_label, books_chart
from trustfund.ledger.text import quote
from trustfund.messages import Message

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
    assert "result:   OK" in installation.cli("ledger", "check", SLUG)

    # Fava (a dev dependency) loads the file without an error and reads each account's
    # Chinese name from its open directive, as a Fava user does on the query page
    fava = FavaLedger(str(path))
    assert fava.errors == [] and fava.load_errors == []
    query = 'SELECT account, open_meta(account, "name") AS name GROUP BY account, name'
    result = fava.query_shell.execute_query_serialised(fava.all_entries, query)
    names = dict(row for row in result.rows)  # type: ignore[union-attr]
    assert names["Assets:Bank:Committee"] == "业委会银行账户"
    assert names["Expenses:Maintenance:Repairs"] == account_label("Expenses:Maintenance:Repairs")
    assert set(names) == used  # every account with postings; none opened unused has any


def test_a_correction_before_an_account_opened_is_refused_naming_it(
    session: Session, client: TestClient[Litestar], tmp_path: Path
) -> None:
    """The rule after a period lock is lifted (a correction): an account first needed after
    a published period opens on the first day after it (no published period gains an
    entry: a fresh draft of the published quarter keeps its figures); a correction dated
    before that day cannot use it (Beancount refuses a posting before its account's open)
    and is refused with ``journal.account_opens_later`` naming the account and its Chinese
    name, nothing written. Through the API only."""
    estate = _estate(session, client)
    forgotten = _claim(estate, "2026-03-18")
    _publish(estate, {"period": "2026Q1"})  # Q1 locked; no repair paid in it
    april = _claim(estate, "2026-04-08")
    assert _pay(estate, april, "2026-04-10").status_code == 200
    public = f"/api/v1/public/estates/{estate.slug}/ledger.beancount"
    export = client.get(public).text
    name = quote(account_label("Expenses:Maintenance:Repairs"))
    assert _opens(export)["Expenses:Maintenance:Repairs"] == ("2026-04-01", name)

    [lock] = _locks(estate)
    proposed = estate.post("member1", f"/ledger/period-locks/{lock['id']}/lift", {"reason": "补记"})
    request_id = proposed.json()["approval"]["id"]
    decide(estate, "member2", request_id)
    assert decide(estate, "member3", request_id).json()["status"] == "approved"
    before = estate.get("steward", "/ledger/entries?per_page=1").json()["total"]

    refused = _pay(estate, forgotten, "2026-03-20")  # its cost would be booked on 03-18
    assert refused.status_code == 422, refused.text
    error, payable = refused.json()["errors"]
    assert error["code"] == payable["code"] == "journal.account_opens_later"
    assert error["params"] == {
        "account": "Expenses:Maintenance:Repairs",
        "name": "维修费用·公共设施维护",
        "opened_on": "2026-04-01",
    }
    assert payable["params"]["account"] == "Liabilities:Payable:Contractors"
    zh = Message(error["code"], **error["params"]).render("zh")
    assert zh.startswith(
        "科目 Expenses:Maintenance:Repairs（维修费用·公共设施维护）自 2026-04-01 起才开设"
    )
    assert client.get(public).text == export  # nothing written: no open, no entry
    assert estate.get("steward", "/ledger/entries?per_page=1").json()["total"] == before
    path = tmp_path / "x.beancount"
    path.write_text(export, encoding="utf-8")
    checked = subprocess.run([str(BEAN_CHECK), str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


WRITERS = 8


def test_concurrent_writers_open_an_account_once(
    session: Session, estate: Estate, engine: Engine
) -> None:
    """Writers posting at once to accounts not open yet (the fee income accounts, the repair
    expense): each account opens exactly once, every entry is posted after its accounts'
    opens, the chain is gapless and verifies. On both backends."""
    factory = make_session_factory(engine)
    barrier = threading.Barrier(WRITERS)

    def writer(w: int) -> int:
        barrier.wait()
        with factory() as s:
            draft = (
                fee_payment(date(2026, 2, 1 + w))
                if w % 2
                else payout(date(2026, 2, 1 + w), "maintenance", "10.00")
            )
            seq = service.post_entry(s, estate.id, draft, idempotency_key=f"w{w}").seq
            s.commit()
            return seq

    with ThreadPoolExecutor(WRITERS) as pool:
        seqs = list(pool.map(writer, range(WRITERS)))
    session.rollback()
    rows = session.execute(
        select(JournalEntry.seq, JournalEntry.kind, JournalEntry.meta)
        .where(JournalEntry.estate_id == estate.id)
        .order_by(JournalEntry.seq)
    ).all()
    assert [seq for seq, _, _ in rows] == list(range(1, len(rows) + 1))
    opened = Counter(meta for _, kind, meta in rows if kind == "open")
    assert all(n == 1 for n in opened.values()), opened
    first_use = {
        "Expenses:Maintenance:Repairs",
        "Income:Fees:Electricity",
        "Income:Fees:Maintenance",
        "Income:Fees:Garbage",
    }
    open_seq = {
        service.get_entry(session, estate.id, seq).meta: seq
        for seq, kind, _ in rows
        if kind == "open"
    }
    for account in first_use:
        assert f'{{"account": "{account}"}}' in open_seq
    assert sorted(seqs) == sorted(seq for seq, kind, _ in rows if kind in {"fee_payment", "payout"})
    for seq in seqs:  # each entry comes after the opens of its accounts
        entry = service.get_entry(session, estate.id, seq)
        for posting in entry.postings:
            assert open_seq[f'{{"account": "{posting.account}"}}'] < seq
    report = check_estate(session, estate.id)
    assert report.ok, report.problems
