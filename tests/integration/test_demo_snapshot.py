"""The demo's ledger export, published statements and public pages are byte-identical to the
recorded hashes (issue 15 item 5): a refactor that changes any of them fails here. An
intended change of output records the new hashes in the same commit:
``.venv/bin/python -m tests.demo_snapshot --record`` (see ``tests/demo_snapshot.py``).

On both backends, against the one recorded set: money held in trust reads the same whatever
the database. (Until claims were checked against their budget line before their insert, a
PostgreSQL sequence value drawn by the demo's refused nursery bill numbered every later
claim one higher there — ``申请单 45`` for SQLite's ``申请单 44`` — and so changed the ledger
text, its hashes and every statement carrying the head hash.)"""

from __future__ import annotations

from pathlib import Path

from tests import demo_snapshot


def test_the_demo_outputs_are_byte_identical(db_url: str, tmp_path: Path) -> None:
    found = demo_snapshot.snapshot_at(tmp_path, db_url)
    changed = demo_snapshot.differences(found, demo_snapshot.recorded())
    assert not changed, "\n".join(
        [*changed, "intended? record: .venv/bin/python -m tests.demo_snapshot --record"]
    )
