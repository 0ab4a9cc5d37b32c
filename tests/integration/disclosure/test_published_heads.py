"""``ledger check`` compares the head printed on every published disclosure with the chain
(issue 14 item 8): someone with the database who rewrites the journal consistently — text,
columns, hashes, prev links and the head, so that both chain checks pass — is caught by the
disclosures already handed to residents. The attacker's PostgreSQL session switches the
append-only triggers off, as the owner role could."""

from __future__ import annotations

from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tests.integration.disclosure.conftest import World
from tests.integration.disclosure.test_disclosure_public import _publish
from tests.integration.journal.attacker import rewrite_entry
from trustfund.cli import main
from trustfund.settings import Settings


def test_a_rewrite_of_the_chain_after_publication_is_named(
    client: TestClient[Litestar],
    world: World,
    session: Session,
    engine: Engine,
    backend: str,
    settings: Settings,
) -> None:
    vid = _publish(client, world, "2026Q1")
    session.rollback()
    head_seq = session.execute(
        text("SELECT ledger_seq FROM disclosure_snapshots WHERE version_id = :v"), {"v": vid}
    ).scalar_one()
    session.rollback()
    env = {
        "TRUSTFUND_DATABASE_URL": settings.database_url,
        "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir / "elsewhere"),  # no mirror to compare
        "TRUSTFUND_SECRET_KEY": "test",
    }
    runner = CliRunner()
    before = runner.invoke(main, ["ledger", "check", "youhe"], env=env)
    assert before.exit_code == 0, before.output
    assert "disclosures: 1 published heads compared" in before.output

    opening = session.execute(
        text("SELECT seq FROM journal_entries WHERE kind = 'opening'")
    ).scalar_one()
    session.rollback()
    rewrite_entry(
        engine,
        backend,
        world.estate.id,
        opening,
        lambda t: t.replace('"期初余额"', '"期初余额（改）"', 1),
        rehash=True,
        narration=("期初余额", "期初余额（改）"),
    )
    after = runner.invoke(main, ["ledger", "check", "youhe"], env=env)
    assert after.exit_code == 1, after.output
    assert f"disclosure version {vid} (published at entry {head_seq})" in after.output
    assert "the chain was rewritten after publication" in after.output
    assert "database:" not in after.output and "export:" not in after.output  # chains pass
