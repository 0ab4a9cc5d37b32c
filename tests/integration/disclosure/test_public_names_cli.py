"""The command line shows and changes how approvers appear on the public pages through the
same commands as the API: the steward proposes, the two committee members decide; one of them
alone is not enough, and the steward cannot decide."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy.orm import Session

from tests.integration.disclosure.conftest import World
from trustfund.cli import main
from trustfund.db.models.auth import User
from trustfund.settings import Settings


def test_the_committee_majority_changes_it_on_the_command_line(
    world: World, settings: Settings, session: Session
) -> None:
    env = {
        "TRUSTFUND_DATABASE_URL": settings.database_url,
        "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir),
        "TRUSTFUND_VAR_DIR": str(settings.var_dir),
        "TRUSTFUND_SECRET_KEY": "x" * 20,
    }
    steward, c1, c2 = (
        session.get(User, who[0]).username  # type: ignore[union-attr]
        for who in (world.steward, world.committee1, world.committee2)
    )
    session.rollback()
    run = CliRunner().invoke
    shown = run(main, ["disclosure", "public-names", "youhe"], env=env)
    assert shown.exit_code == 0 and "by role" in shown.output, shown.output
    proposed = run(
        main,
        [
            "disclosure",
            "public-names",
            "youhe",
            "--propose",
            "names",
            "--user",
            steward,
            "--reason",
            "与纸质公示签名一致",
        ],
        env=env,
    )
    assert proposed.exit_code == 0 and "needs 2 committee approvals" in proposed.output
    refused = run(main, ["disclosure", "decide-names", "youhe", "--user", steward], env=env)
    assert refused.exit_code != 0
    first = run(main, ["disclosure", "decide-names", "youhe", "--user", c1], env=env)
    assert first.exit_code == 0 and "pending" in first.output, first.output
    assert "by role" in run(main, ["disclosure", "public-names", "youhe"], env=env).output
    second = run(main, ["disclosure", "decide-names", "youhe", "--user", c2], env=env)
    assert second.exit_code == 0 and "approved" in second.output, second.output
    assert "by name" in run(main, ["disclosure", "public-names", "youhe"], env=env).output
