"""API fuzzing: zero 5xx and zero schema violations as every caller (see ``fuzzing.py``).

Bounded for the suite: 2 positive and 1 negative example per operation and caller, the
callers split between the backends (anonymous, steward and committee on SQLite; council,
supervisor and admin on PostgreSQL): about 1,100 requests and 30–60 s per backend. A longer
run fuzzes every caller on both backends (``TRUSTFUND_FUZZ_EXAMPLES=N``: N positive and N/2
negative examples): ``TRUSTFUND_FUZZ_EXAMPLES=10 pytest -m fuzz tests/integration/hardening -s``.
"""

from __future__ import annotations

import os

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.integration.hardening.fuzzing import ROLES, fuzz


@pytest.mark.fuzz
def test_no_operation_answers_5xx_or_breaks_its_schema_for_any_caller(
    backend: str, client: TestClient[Litestar], engine: Engine, session: Session
) -> None:
    roles = ROLES
    if not os.environ.get("TRUSTFUND_FUZZ_EXAMPLES"):
        roles = ROLES[:3] if backend == "sqlite" else ROLES[3:]
    report = fuzz(client, engine, session, roles=roles)
    print(f"{backend}: {report.summary()}")
    assert set(report.by_role) == set(roles)
    assert report.requests > report.operations * len(roles)  # every operation, every caller
    assert report.failures == [], "\n\n".join([report.summary(), *report.failures])
