"""Settings, read once from environment variables.

Every setting is declared here with the variable that sets it and why it exists.
Nothing else in trustfund reads ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    #: TRUSTFUND_VAR_DIR — where local state lives (SQLite file, secret key, vouchers).
    #: Never committed; default ``var/`` in the working directory.
    var_dir: Path = field(default_factory=lambda: Path(_env("TRUSTFUND_VAR_DIR", "var")))

    #: TRUSTFUND_DATABASE_URL — the book of record. SQLAlchemy URL, e.g.
    #: ``postgresql+psycopg://trustfund@db/trustfund``. Default: ``sqlite:///var/trustfund.db``.
    database_url: str = ""

    #: TRUSTFUND_LEDGER_DIR — where the per-estate ``.beancount`` mirrors are written.
    ledger_dir: Path = field(default_factory=lambda: Path(_env("TRUSTFUND_LEDGER_DIR", "ledgers")))

    #: TRUSTFUND_SECRET_KEY — signs CSRF tokens. When unset, a key is generated on first run
    #: and kept in ``<var_dir>/secret_key`` (mode 0600), outside git. Several instances behind
    #: one proxy must share it: set it explicitly in production.
    secret_key: str = ""

    #: TRUSTFUND_TIMEZONE — estates' local time zone; entry dates are local dates in it.
    timezone: str = field(default_factory=lambda: _env("TRUSTFUND_TIMEZONE", "Asia/Shanghai"))

    #: TRUSTFUND_PUBLIC_URL — the address residents use; printed in QR codes on PDFs.
    public_url: str = field(
        default_factory=lambda: _env("TRUSTFUND_PUBLIC_URL", "http://127.0.0.1:8000")
    )

    #: TRUSTFUND_SECURE_COOKIES — "1" behind HTTPS so session cookies carry ``Secure``.
    secure_cookies: bool = field(
        default_factory=lambda: _env("TRUSTFUND_SECURE_COOKIES", "0") == "1"
    )

    #: TRUSTFUND_LOGIN_ATTEMPTS — failed sign-ins allowed per user name *from one client
    #: address*, and per client address, within TRUSTFUND_LOGIN_WINDOW seconds before further
    #: attempts from that address get 429; failures from other addresses only delay the
    #: name's sign-ins (1, 2, 4, up to 8 s), never lock it (``trustfund.auth.ratelimit``).
    login_attempts: int = field(default_factory=lambda: int(_env("TRUSTFUND_LOGIN_ATTEMPTS", "5")))
    login_window: int = field(default_factory=lambda: int(_env("TRUSTFUND_LOGIN_WINDOW", "900")))

    #: TRUSTFUND_TRUSTED_PROXIES — comma-separated addresses or networks of the reverse proxies
    #: whose ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are believed (``10.0.0.10`` or
    #: ``10.0.0.0/24``). Empty (the default): the headers are ignored and the client address is
    #: the peer's — otherwise anyone could pick the address the audit log records and the
    #: sign-in rate limit counts.
    trusted_proxies: str = field(default_factory=lambda: _env("TRUSTFUND_TRUSTED_PROXIES", ""))

    #: TRUSTFUND_SESSION_HOURS — how long a browser session stays signed in.
    session_hours: int = field(default_factory=lambda: int(_env("TRUSTFUND_SESSION_HOURS", "12")))

    #: TRUSTFUND_DEBUG — "1" shows tracebacks in 500 responses. Never in production.
    debug: bool = field(default_factory=lambda: _env("TRUSTFUND_DEBUG", "0") == "1")

    def __post_init__(self) -> None:
        if not self.database_url:
            default_db = f"sqlite:///{(self.var_dir / 'trustfund.db').as_posix()}"
            object.__setattr__(self, "database_url", _env("TRUSTFUND_DATABASE_URL", default_db))
        if not self.secret_key:
            object.__setattr__(self, "secret_key", _env("TRUSTFUND_SECRET_KEY", ""))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_secret_key(self) -> str:
        """The secret key: from the environment, else from ``var/secret_key``, created once."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()


def get_settings() -> Settings:
    """Settings from the current environment (cheap; build once per app or command)."""
    return Settings()
