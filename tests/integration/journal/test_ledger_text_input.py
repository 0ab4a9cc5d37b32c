"""User text that reaches the ledger text (issue 14 item 1): a metadata key with a trailing
newline once broke the public ledger for good. Every key and value is checked with full-match
rules, ``meta`` is bounded, and an entry whose text would not parse back to the same entry is
refused before it is stored — for any text at all (hypothesis), over HTTP, on both backends.

The estate's books are opened with ``service.open_books`` (no public route opens them on main
yet: issue 13); everything after that goes through the API and the ``trustfund`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_estate, make_user
from trustfund.auth.principal import Role
from trustfund.cli import main
from trustfund.journal import service
from trustfund.ledger import bean
from trustfund.ledger.chain import verify_text
from trustfund.settings import Settings

BEAN_CHECK = Path(sys.executable).parent / "bean-check"
ENTRIES = "/api/v1/estates/youhe/ledger/entries"
#: A reclassification within one fund: what one person may post alone (journal.general).
LEGS = [
    {"account": "Expenses:Maintenance:Materials", "amount": "1.00"},
    {"account": "Expenses:Maintenance:Repairs", "amount": "-1.00"},
]


@dataclass
class Books:
    client: TestClient[Litestar]
    headers: dict[str, str]
    mirror: Path
    env: dict[str, str]
    keys: Iterator[int]

    def post(self, **body: object) -> tuple[int, dict[str, object]]:
        payload = {"date": "2026-02-01", "narration": "维修费用重分类", "legs": LEGS, **body}
        key = f"k{next(self.keys)}"
        answer = self.client.post(  # ASCII JSON: "\\ud800" (a lone surrogate) travels as is
            ENTRIES,
            content=json.dumps(payload),
            headers={**self.headers, "Idempotency-Key": key, "Content-Type": "application/json"},
        )
        return answer.status_code, answer.json()


@pytest.fixture
def books(client: TestClient[Litestar], session: Session, settings: Settings) -> Books:
    estate = make_estate(session, slug="youhe")
    service.open_books(session, estate.id, on=date(2026, 1, 1), opening_balances={})
    session.commit()
    _, token = make_user(session, Role.STEWARD, estate)
    session.rollback()
    env = {
        "TRUSTFUND_DATABASE_URL": settings.database_url,
        "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir),
        "TRUSTFUND_VAR_DIR": str(settings.var_dir),
        "TRUSTFUND_SECRET_KEY": "test",
        "BEANCOUNT_DISABLE_LOAD_CACHE": "1",
    }
    return Books(
        client,
        auth_headers(token),
        settings.ledger_dir / "youhe.beancount",
        env,
        iter(range(10**6)),
    )


def _all_checks_pass(books: Books) -> None:
    """bean-check, ``ledger verify`` (file alone) and ``ledger check`` (database) say OK."""
    done = subprocess.run(
        [str(BEAN_CHECK), str(books.mirror)], capture_output=True, text=True, env=books.env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    runner = CliRunner()
    verified = runner.invoke(main, ["ledger", "verify", str(books.mirror)])
    assert verified.exit_code == 0, verified.output
    checked = runner.invoke(main, ["ledger", "check", "youhe"], env=books.env)
    assert checked.exit_code == 0, checked.output


def test_a_metadata_key_with_a_newline_is_refused_naming_it(books: Books) -> None:
    status, body = books.post(meta={"ab\n": "x"})
    assert status == 422, body
    assert body["errors"] == [
        {
            "field": "meta.ab\\n",
            "reason": "key must be 2–40 characters: a-z first, then a-z A-Z 0-9 _ -",
            "code": "ledger.meta_key_invalid",
            "params": {},
        }
    ]
    for meta, field in [
        ({"ab": "x\ny"}, "meta.ab"),
        ({"ab": "x\u2028"}, "meta.ab"),
        ({"Ab": "x"}, "meta.Ab"),
        ({"a": "x"}, "meta.a"),
        ({"seq": "7"}, "meta.seq"),
        ({f"k{i:02d}": "x" for i in range(21)}, "meta"),
        ({"ab": "x" * 501}, "meta.ab"),
    ]:
        status, body = books.post(meta=meta)
        assert status == 422 and body["errors"][0]["field"] == field, (meta, body)
    for narration in ("a\x85b", "a\x00b"):
        status, body = books.post(narration=narration)
        assert status == 422 and body["errors"][0]["field"] == "narration", body
    status, body = books.post(narration="\ud800")  # a lone surrogate is not JSON text
    assert status == 400 and "malformed" in str(body["detail"])
    status, body = books.post(meta={"note-1": '"\n2026-01-01 open Assets:Evil CNY\n'})
    assert status == 422 and body["errors"][0]["field"] == "meta.note-1"
    status, body = books.post(meta={"note_1": '"\\ 引号 plugin "x"'}, payee='"\nplugin "x"')
    assert status == 201, body
    assert books.mirror.read_text().count("^tf-") == 1  # nothing of the refused ones stored
    _all_checks_pass(books)


valid_key = st.from_regex(r"[a-z][a-zA-Z0-9_-]{1,6}", fullmatch=True)
ANY_TEXT = st.text(
    st.characters(exclude_categories=())
    | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=()),
    max_size=30,
)  # surrogates and control characters too
#: Keys as beancount reads them, anything at all, and a good key with anything after it.
any_key = st.one_of(
    valid_key,
    st.text(min_size=1, max_size=8),
    st.tuples(valid_key, st.sampled_from(["\n", "\r", " ", ":", "\n  x"])).map("".join),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    meta=st.dictionaries(any_key, ANY_TEXT, max_size=3),
    payee=st.none() | ANY_TEXT,
    narration=ANY_TEXT,
)
def test_any_text_is_refused_or_stored_so_that_it_reads_back(
    books: Books, meta: dict[str, str], payee: str | None, narration: str
) -> None:
    """Either a 4xx naming a field, or stored so that its text parses back to exactly what
    was sent; whatever was stored, the file passes bean-check and both chain checks (once,
    at the end of the run: see ``test_ANY_TEXT_leaves_a_ledger_that_checks``)."""
    status, body = books.post(meta=meta, payee=payee, narration=narration)
    if status != 201:
        assert 400 <= status < 500 and body["detail"], body
        return
    entries, errors = bean.parse_entries(str(body["text"]))
    assert errors == [] and len(entries) == 1
    txn = entries[0]
    own = {k: v for k, v in txn.meta.items() if k not in ("filename", "lineno")}
    assert (txn.payee, txn.narration) == (payee, narration)
    assert own == {
        **meta,
        "hash": body["hash"],
        "seq": str(body["seq"]),
        "prev": body["prev_hash"],
        "kind": "general",
    }
    assert verify_text(books.mirror.read_text()).ok


def test_any_text_leaves_a_ledger_that_checks(books: Books) -> None:
    """The same strategies, then the whole file through bean-check and both chain checks."""
    seen: list[int] = []

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        meta=st.dictionaries(any_key, ANY_TEXT, max_size=3),
        payee=st.none() | ANY_TEXT,
        narration=ANY_TEXT,
    )
    def post(meta: dict[str, str], payee: str | None, narration: str) -> None:
        status, body = books.post(meta=meta, payee=payee, narration=narration)
        assert status < 500, body
        if status == 201:
            seen.append(int(str(body["seq"])))

    example(meta={"ab\n": "x"}, payee=None, narration="备用金")(post)()  # the probe's request
    assert seen, "no example was stored: the strategies test nothing"
    assert verify_text(books.mirror.read_text()).entries == max(seen)
    _all_checks_pass(books)


def test_an_estate_name_that_cannot_be_the_ledger_title_is_refused(
    client: TestClient[Litestar], session: Session
) -> None:
    """The estate's name is the ledger file's title: a control character in it made every
    export of that estate fail (``quote`` raises), so it is refused when the estate is made."""
    _, token = make_user(session, admin=True)
    body = {"slug": "youhe", "name": "游河\x01小区"}
    refused = client.post("/api/v1/estates", json=body, headers=auth_headers(token))
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        {
            "field": "name",
            "reason": "contains a control character",
            "code": "ledger.control_character",
            "params": {},
        }
    ]
    body["name"] = '游河"小区"\\'
    assert client.post("/api/v1/estates", json=body, headers=auth_headers(token)).status_code == 201
