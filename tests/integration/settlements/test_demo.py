"""The demo runs twice without change and its books pass ``trustfund ledger check``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from trustfund.db.models.settlements import Claim, ClaimStatus, WorkOrder, WorkOrderStatus


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "from trustfund.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_demo_settles_a_year_and_the_ledger_checks(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TRUSTFUND_VAR_DIR": str(tmp_path / "var"),
        "TRUSTFUND_LEDGER_DIR": str(tmp_path / "ledgers"),
    }
    env.pop("TRUSTFUND_DATABASE_URL", None)
    first = _run(["demo"], tmp_path, env)
    assert "demo: settlements: contractor" in first
    assert "1 rejected claim" in first
    second = _run(["demo"], tmp_path, env)
    assert "demo: settlements: settlements exist" in second
    check = _run(["ledger", "check", "youhe"], tmp_path, env)
    assert "OK" in check
    engine = create_engine(f"sqlite:///{tmp_path / 'var' / 'trustfund.db'}")
    with Session(engine) as session:
        statuses = dict(
            session.execute(select(Claim.status, func.count()).group_by(Claim.status)).all()
        )
        settled = session.scalar(
            select(func.count()).where(WorkOrder.status == WorkOrderStatus.SETTLED)
        )
    assert statuses.get(ClaimStatus.REJECTED) == 1
    assert statuses.get(ClaimStatus.PAID, 0) >= 20
    assert settled and settled >= 10
