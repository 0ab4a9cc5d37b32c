"""Sign-in rate limiting, shared by every app instance because the count lives in the database.

The rule (issue 14): within ``settings.login_window`` seconds,

- ``settings.login_attempts`` failures for one user name *from one client address* (since that
  name's last success) make further attempts for that name from that address answer 429;
- ``settings.login_attempts`` failures from one address (any names) make every attempt from
  that address answer 429 — until the oldest counted failure leaves the window
  (``Retry-After`` says when);
- failures for a user name from *other* addresses never lock it (an attacker must not be able
  to lock the committee out): from ``login_attempts`` such failures on, each attempt for that
  name waits ``delay_before_check`` seconds first — 1, 2, 4 … up to ``MAX_DELAY`` — which
  slows guessing from many addresses while the real user still gets in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from trustfund.db.base import utcnow
from trustfund.db.models.auth import LoginAttempt
from trustfund.errors import RateLimitedError
from trustfund.messages import Message
from trustfund.settings import Settings

#: Attempts older than this many windows are deleted when new ones are recorded.
KEEP_WINDOWS = 4


#: The longest wait before a password is checked (seconds).
MAX_DELAY = 8.0


def _failures(session: Session, since: datetime, *conditions: Any) -> list[datetime]:
    return list(
        session.scalars(
            select(LoginAttempt.attempted_at)
            .where(
                LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since, *conditions
            )
            .order_by(LoginAttempt.attempted_at)
        )
    )


def check_login_allowed(
    session: Session,
    settings: Settings,
    username: str,
    client_addr: str,
    *,
    now: datetime | None = None,
) -> float:
    """The seconds to wait before checking the password (0 when the name is not under
    attack). Raises ``RateLimitedError`` (429, ``retry_after`` seconds) when the name from
    this address, or this address, is locked out."""
    now = now or utcnow()
    since = now - timedelta(seconds=settings.login_window)
    last_success = session.scalar(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.username == username,
            LoginAttempt.succeeded.is_(True),
            LoginAttempt.attempted_at >= since,
        )
    )
    user_since = max(since, last_success) if last_success is not None else since
    for failures, what in (
        (
            _failures(
                session,
                user_since,
                LoginAttempt.username == username,
                LoginAttempt.client_addr == client_addr,
            ),
            "this user name from your address",
        ),
        (_failures(session, since, LoginAttempt.client_addr == client_addr), "your address"),
    ):
        if len(failures) >= settings.login_attempts:
            oldest_counted = failures[-settings.login_attempts]
            retry_after = oldest_counted + timedelta(seconds=settings.login_window) - now
            seconds = max(1, int(retry_after.total_seconds()) + 1)
            raise RateLimitedError(
                Message("auth.rate_limited", what=what, seconds=seconds),
                extra={"retry_after": seconds},
            )
    elsewhere = len(_failures(session, user_since, LoginAttempt.username == username))
    if elsewhere < settings.login_attempts:
        return 0.0
    return float(min(MAX_DELAY, 2 ** (elsewhere - settings.login_attempts)))


def record_login_attempt(
    session: Session,
    settings: Settings,
    username: str,
    client_addr: str,
    *,
    succeeded: bool,
    now: datetime | None = None,
) -> None:
    """Adds the attempt (flush only) and forgets attempts long out of the window."""
    now = now or utcnow()
    session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.attempted_at
            < now - timedelta(seconds=settings.login_window * KEEP_WINDOWS)
        )
    )
    session.add(
        LoginAttempt(
            username=username[:64],
            client_addr=client_addr[:64],
            succeeded=succeeded,
            attempted_at=now,
        )
    )
    session.flush()
