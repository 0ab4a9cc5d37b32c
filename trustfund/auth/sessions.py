"""Browser sessions: sign in with user name and password, sign out.

The cookie carries a random token; the database keeps its sha256, the expiry
(``settings.session_hours`` after sign-in) and the session's CSRF token, so any app
instance can check any request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from trustfund.auth.digest import new_secret, sha256_hex
from trustfund.auth.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from trustfund.auth.ratelimit import check_login_allowed, record_login_attempt
from trustfund.auth.schemas import SignedInOut
from trustfund.auth.users import describe_user, find_user, normalize_username
from trustfund.db.base import utcnow
from trustfund.db.models.auth import BrowserSession
from trustfund.db.session import command
from trustfund.errors import NotAuthenticatedError
from trustfund.messages import Message
from trustfund.settings import Settings

COOKIE_NAME = "tf_session"


@dataclass(frozen=True)
class SignIn:
    #: The cookie value; nowhere else after this.
    token: str
    answer: SignedInOut


def sign_in(
    session: Session,
    settings: Settings,
    username: str,
    password: str,
    *,
    client_addr: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> SignIn:
    """Check the password and open a session; commits (a failure is committed too, so it
    counts towards the rate limit). Waits first while the name is under attack from other
    addresses (``ratelimit``). Raises ``RateLimitedError`` (too many failures for the
    user name from this address, or from the address) and ``NotAuthenticatedError`` (wrong name or password, or a
    deactivated user — the same answer, so names cannot be probed)."""
    now = now or utcnow()
    username = normalize_username(username)
    delay = check_login_allowed(session, settings, username, client_addr, now=now)
    if delay:  # the name is under attack from elsewhere: slow down, do not refuse
        session.rollback()  # hold no transaction while waiting
        time.sleep(delay)
    user = find_user(session, username)
    matches = verify_password(user.password_hash if user else dummy_hash(), password)
    if user is None or not matches or not user.is_active:
        record_login_attempt(session, settings, username, client_addr, succeeded=False, now=now)
        session.commit()
        raise NotAuthenticatedError(Message("auth.wrong_password"))
    record_login_attempt(session, settings, username, client_addr, succeeded=True, now=now)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.execute(
        delete(BrowserSession).where(
            BrowserSession.user_id == user.id, BrowserSession.expires_at <= now
        )
    )
    token = new_secret()
    browser_session = BrowserSession(
        user_id=user.id,
        token_hash=sha256_hex(token),
        csrf_token=new_secret(),
        created_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
        client_addr=client_addr[:64],
        user_agent=user_agent[:300],
    )
    session.add(browser_session)
    session.commit()
    answer = SignedInOut(
        user=describe_user(session, user),
        csrf_token=browser_session.csrf_token,
        expires_at=browser_session.expires_at,
    )
    return SignIn(token=token, answer=answer)


@command
def sign_out(session: Session, token: str | None) -> None:
    """End the session whose cookie value is ``token`` (unknown or none: nothing to do)."""
    if token:
        session.execute(
            delete(BrowserSession).where(BrowserSession.token_hash == sha256_hex(token))
        )
