"""The one way a command ends its transaction (``db.session.command`` / ``unit_of_work``):
commit on return, roll back on error, and — for the errors it is told to keep — commit what
was written before the error propagates (a voided approval request stays void)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.db.session import command, make_session_factory, unit_of_work
from trustfund.errors import ConflictError, ValidationError
from trustfund.messages import Message


@command
def _add(session: Session, slug: str, *, fail: bool = False) -> str:
    session.add(Estate(slug=slug, name=slug))
    session.flush()
    if fail:
        raise ValidationError.field("slug", Message("input.taken"))
    return slug


def _slugs(engine: Engine) -> set[str]:
    with make_session_factory(engine)() as fresh:
        return set(fresh.scalars(select(Estate.slug)))


def test_a_command_commits_on_return_and_writes_nothing_on_error(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        assert _add(session, "kept") == "kept"
        with pytest.raises(ValidationError):
            _add(session, "refused", fail=True)
        # the session is usable again after the rollback
        assert _add(session, "after") == "after"
    assert _slugs(engine) == {"kept", "after"}


def test_kept_errors_commit_what_was_written_before_they_propagate(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        with pytest.raises(ConflictError), unit_of_work(session, keep=(ConflictError,)):
            session.add(Estate(slug="voided", name="voided"))
            session.flush()
            raise ConflictError(Message("disclosure.figures_changed"))
        with pytest.raises(ValidationError), unit_of_work(session, keep=(ConflictError,)):
            session.add(Estate(slug="not-kept", name="not-kept"))
            session.flush()
            raise ValidationError.field("x", Message("input.empty"))
    assert _slugs(engine) == {"voided"}
