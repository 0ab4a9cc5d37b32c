"""What every command shares: settings, and an engine made only when a command needs one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

import click
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Action, Principal
from trustfund.auth.users import find_user
from trustfund.db.models.estates import Estate
from trustfund.db.session import make_engine, make_session_factory
from trustfund.errors import PermissionDeniedError, TrustfundError
from trustfund.journal.mirror import install_mirror_hook
from trustfund.messages import Message
from trustfund.settings import Settings, get_settings


class CliContext:
    @cached_property
    def settings(self) -> Settings:
        return get_settings()

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        """Sessions whose commits also append new entries to the ledger mirrors."""
        factory = make_session_factory(self.engine)
        install_mirror_hook(factory, self.settings)
        return factory

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose uncommitted work is rolled back; application errors become a
        clean message and exit code 1 instead of a traceback."""
        with self.session_factory() as session:
            try:
                yield session
            except TrustfundError as exc:
                session.rollback()
                message = exc.detail
                for error in exc.errors:
                    message += f"\n  {error.field}: {error.reason}"
                raise click.ClickException(message) from exc


def estate_of(session: Session, slug: str) -> Estate:
    """The estate named ``slug``, or the command ends with ``No estate 'slug'.``"""
    estate = session.scalar(select(Estate).where(Estate.slug == slug))
    if estate is None:
        raise click.ClickException(f"No estate {slug!r}.")
    return estate


def acting(session: Session, username: str, action: Action, estate: Estate) -> Principal:
    """The user a command acts as, who must hold ``action`` in the estate (the same rule as
    the API's guard: the command line is no back door past the four eyes)."""
    user = find_user(session, username)
    principal = load_principal(session, user.id) if user is not None else None
    if principal is None:
        raise click.ClickException(f"No active user {username!r}.")
    if not principal.may(action, estate.id, estate.community):
        raise PermissionDeniedError(
            Message(
                "auth.user_lacks_action", user=username, action=action.value, estate=estate.slug
            )
        )
    return principal


pass_cli = click.make_pass_decorator(CliContext)
