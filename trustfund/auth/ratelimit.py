"""Sign-in rate limiting, shared by every app instance because the count lives in the database.

Within ``settings.login_window`` seconds, ``settings.login_attempts`` failures for one user
name (since that name's last success) or from one client address make further attempts
answer 429 until the oldest failure leaves the window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from trustfund.db.base import utcnow
from trustfund.db.models.auth import LoginAttempt
from trustfund.errors import RateLimitedError
from trustfund.settings import Settings

#: Attempts older than this many windows are deleted when new ones are recorded.
KEEP_WINDOWS = 4


def check_login_allowed(
    session: Session,
    settings: Settings,
    username: str,
    client_addr: str,
    *,
    now: datetime | None = None,
) -> None:
    """Raises ``RateLimitedError`` (429) when the user name or the address is locked out."""
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
    for column, value, floor, what in (
        (LoginAttempt.username, username, user_since, "this user name"),
        (LoginAttempt.client_addr, client_addr, since, "your address"),
    ):
        failures = list(
            session.scalars(
                select(LoginAttempt.attempted_at)
                .where(
                    column == value,
                    LoginAttempt.succeeded.is_(False),
                    LoginAttempt.attempted_at >= floor,
                )
                .order_by(LoginAttempt.attempted_at)
            )
        )
        if len(failures) >= settings.login_attempts:
            oldest_counted = failures[-settings.login_attempts]
            retry_after = oldest_counted + timedelta(seconds=settings.login_window) - now
            seconds = max(1, int(retry_after.total_seconds()) + 1)
            raise RateLimitedError(
                f"Too many failed sign-ins for {what}; try again in {seconds} seconds.",
                extra={"retry_after": seconds},
            )


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
