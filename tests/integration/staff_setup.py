"""An estate for the staff pages' HTTP-client tests, built through the public interfaces only
(``public_setup.Installation``: the CLI's first administrator, then the API): a steward, a
committee member and a council member, books opened by the API's opening and approval."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.api_flows import Call
from tests.integration.estates.public_setup import Installation, new_installation

SLUG = "yh"


@pytest.fixture
def installation(
    client: TestClient[Litestar], db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Installation:
    """A new installation: one administrator (by CLI), nothing else."""
    return new_installation(client, db_url, tmp_path, monkeypatch)


def api(tf: Installation, slug: str = SLUG) -> Call:
    """``call(method, who, path, **kw)`` as ``tests.api_flows`` takes it, over ``tf.client``."""

    def call(method: str, who: str, path: str, **kw: Any) -> Any:
        headers = {**tf.people[who], **kw.pop("headers", {})}
        answer = tf.client.request(method, f"/api/v1/estates/{slug}{path}", headers=headers, **kw)
        assert answer.status_code < 400, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None

    return call


def open_estate(tf: Installation, *, books: bool = True) -> Call:
    """Estate ``yh`` with people ``steward``, ``committee`` and ``council``; with ``books``
    opened on 2026-01-01 (500.00 in the maintenance fund's bank)."""
    tf.estate(SLUG)
    tf.person("steward", "steward", SLUG)
    tf.person("committee", "committee", SLUG)
    tf.person("council", "council", SLUG)
    call = api(tf)
    if books:
        opening = call(
            "POST",
            "steward",
            "/books/opening",
            json={"date": "2026-01-01", "funds": [{"fund": "maintenance", "bank": "500.00"}]},
        )
        call(
            "POST",
            "committee",
            f"/approvals/{opening['approval_request_id']}/decision",
            json={"decision": "approve"},
        )
    return call


def entries(call: Call) -> int:
    """How many entries the journal holds (a refused form must not add one)."""
    return int(call("GET", "committee", "/ledger/entries?per_page=1")["total"])


def field_error(page: str, field: str) -> str | None:
    """The error shown under ``field`` (``<p class="field-error" id="e-amount">``)."""
    match = re.search(rf'id="e-{re.escape(field)}"[^>]*>([^<]*)<', page)
    return html.unescape(match[1]) if match else None
