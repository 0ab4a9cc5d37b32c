"""The command line decides through the same command as the API: a decision refused because
the figures changed since submission still records that the request is void."""

from __future__ import annotations

import re
from datetime import date

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.disclosure.conftest import World, payout
from trustfund.approvals import ApprovalRequest, RequestStatus
from trustfund.cli import main
from trustfund.db.models.auth import User
from trustfund.journal import service
from trustfund.settings import Settings


def test_a_refused_decision_on_changed_figures_voids_the_request(
    world: World, settings: Settings, session: Session
) -> None:
    env = {
        "TRUSTFUND_DATABASE_URL": settings.database_url,
        "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir),
        "TRUSTFUND_VAR_DIR": str(settings.var_dir),
        "TRUSTFUND_SECRET_KEY": "x" * 20,
    }
    steward = session.get(User, world.steward[0]).username  # type: ignore[union-attr]
    member = session.get(User, world.committee1[0]).username  # type: ignore[union-attr]
    session.rollback()
    runner = CliRunner()
    r = runner.invoke(main, ["disclosure", "submit", "youhe", "2026Q1", "--user", steward], env=env)
    assert r.exit_code == 0, r.output
    vid = int(re.search(r'"version_id": (\d+)', r.output)[1])  # type: ignore[index]
    # a payment dated in the quarter after submission: the figures the request binds change
    service.post_entry(
        session,
        world.estate.id,
        payout(date(2026, 3, 30), "45.00", payee="五金店", voucher="PZ-9"),
        idempotency_key="late-q1-cli",
    )
    session.commit()

    refused = runner.invoke(
        main, ["disclosure", "decide", "youhe", str(vid), "--user", member], env=env
    )
    assert refused.exit_code == 1, refused.output
    session.rollback()
    request = session.scalars(
        select(ApprovalRequest).where(
            ApprovalRequest.subject_kind == "disclosure", ApprovalRequest.subject_id == vid
        )
    ).one()
    assert request.status == RequestStatus.VOID  # recorded, as over the API
