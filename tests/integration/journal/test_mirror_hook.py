"""The mirror follows every commit (one hook for API, CLI and demo) and catches up after a
crash between a commit and its file write."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.integration.journal.conftest import fee_payment
from trustfund.db.models.estates import Estate
from trustfund.db.session import make_session_factory
from trustfund.journal import service
from trustfund.journal.mirror import (
    catch_up_all_mirrors,
    export_text,
    install_mirror_hook,
    mirror_path,
)
from trustfund.settings import Settings


def test_each_commit_appends_exactly_the_journal(
    engine: Engine, estate: Estate, settings: Settings
) -> None:
    factory = make_session_factory(engine)
    install_mirror_hook(factory, settings)
    path = mirror_path(settings, estate)
    for i in range(3):
        with factory() as session:
            service.post_entry(
                session, estate.id, fee_payment(date(2026, 2, 1 + i)), idempotency_key=f"k{i}"
            )
            session.commit()
            assert path.read_text(encoding="utf-8") == export_text(session, estate.id)
    # a rolled-back posting leaves the file as it was
    with factory() as session:
        before = path.read_bytes()
        service.post_entry(session, estate.id, fee_payment(date(2026, 3, 1)), idempotency_key="x")
        session.rollback()
        session.commit()
        assert path.read_bytes() == before


def test_catch_up_repairs_a_file_left_behind_by_a_crash(
    engine: Engine, session: Session, estate: Estate, settings: Settings
) -> None:
    session.rollback()  # SQLite: an open transaction would hold the write lock
    hooked = make_session_factory(engine)
    install_mirror_hook(hooked, settings)
    with hooked() as first:
        service.post_entry(first, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="a")
        first.commit()
    # committed without the hook: as if the process died before writing the file
    service.post_entry(session, estate.id, fee_payment(date(2026, 2, 2)), idempotency_key="b")
    session.commit()
    path = mirror_path(settings, estate)
    assert path.read_text(encoding="utf-8") != export_text(session, estate.id)
    session.rollback()
    catch_up_all_mirrors(hooked, settings)
    assert path.read_text(encoding="utf-8") == export_text(session, estate.id)


def test_a_released_savepoint_does_not_write_the_mirror_early(
    engine: Engine, estate: Estate, settings: Settings
) -> None:
    factory = make_session_factory(engine)
    install_mirror_hook(factory, settings)
    path = mirror_path(settings, estate)
    with factory() as session:
        with session.begin_nested():
            service.post_entry(
                session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="n"
            )
        assert not path.exists()
        session.commit()
        assert path.read_text(encoding="utf-8") == export_text(session, estate.id)


def test_entries_of_a_rolled_back_savepoint_never_reach_the_mirror(
    engine: Engine, estate: Estate, settings: Settings
) -> None:
    """Entries are written with Core statements, so the hook cannot ask the ORM whether they
    survived: a savepoint that rolls back (also one enclosing a released one) drops them."""
    factory = make_session_factory(engine)
    install_mirror_hook(factory, settings)
    path = mirror_path(settings, estate)
    with factory() as session:
        service.post_entry(session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="a")
        outer = session.begin_nested()
        with session.begin_nested():
            service.post_entry(
                session, estate.id, fee_payment(date(2026, 2, 2)), idempotency_key="b"
            )
        outer.rollback()
        session.commit()
        assert path.read_text(encoding="utf-8") == export_text(session, estate.id)
    # the next commit carries on from the file without a gap or a ghost entry
    with factory() as session:
        entry = service.post_entry(
            session, estate.id, fee_payment(date(2026, 2, 3)), idempotency_key="c"
        )
        session.commit()
        assert path.read_text(encoding="utf-8") == export_text(session, estate.id)
        assert f"^tf-{entry.seq}" in path.read_text(encoding="utf-8")
