"""Crash safety, short version of ``bench/crash_safety.py``: ``trustfund serve`` killed with
SIGKILL while 8 clients post payments with idempotency keys, three times, on SQLite and on
PostgreSQL. Every acknowledged payment is stored once, nothing is half-written, ``trustfund
ledger check`` passes and the mirror equals the export after every start-up."""

from __future__ import annotations

import pytest

from bench.crash_safety import run
from tests.conftest import PG_URL


def test_kill_9_while_posting_loses_nothing_acknowledged(backend: str) -> None:
    if backend == "postgres" and not PG_URL:
        pytest.skip("TRUSTFUND_TEST_POSTGRES_URL not set")
    report = run(backend, rounds=3, clients=8, households=100, server=PG_URL, seed_value=9)
    print(report.summary())
    assert report.acknowledged > 0 and report.retries > 0  # requests were cut by the kills
    assert report.mirror_repaired == report.rounds + 1
    assert report.problems == []
