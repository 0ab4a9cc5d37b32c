"""The ``ledgers/<estate-slug>.beancount`` mirror: the journal as one beancount file,
reproducible byte for byte from the database.

File layout: the fixed header (two comment lines, ``option "title"``,
``option "operating_currency" "CNY"``), then every entry's stored text in sequence order
(account openings included), each preceded by a blank line.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry, LedgerHead
from trustfund.errors import NotFoundError
from trustfund.ledger.text import header
from trustfund.settings import Settings

log = structlog.get_logger("trustfund.journal.mirror")
_SAFE_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


def iter_export(session: Session, estate_id: int) -> Iterator[str]:
    """The export in pieces (header, then entries), streamed from the database."""
    estate = session.get(Estate, estate_id)
    if estate is None:
        raise NotFoundError(f"No estate with id {estate_id}.")
    yield header(estate.name)
    texts = session.scalars(
        select(JournalEntry.text)
        .where(JournalEntry.estate_id == estate_id)
        .order_by(JournalEntry.seq)
        .execution_options(yield_per=5000)
    )
    for text in texts:
        yield "\n"
        yield text


def export_text(session: Session, estate_id: int) -> str:
    """The estate's whole journal as beancount text (deterministic)."""
    return "".join(iter_export(session, estate_id))


def mirror_path(settings: Settings, estate: Estate) -> Path:
    if not _SAFE_SLUG.match(estate.slug):
        raise ValueError(f"estate slug {estate.slug!r} is not usable as a file name")
    return settings.ledger_dir / f"{estate.slug}.beancount"


def sync_mirror(session: Session, settings: Settings, estate: Estate) -> bool:
    """Rewrite the estate's mirror file if its content differs from the database (atomically:
    temporary file + ``os.replace``). Returns whether the file changed.

    Call it after the commit; it ends the session's transaction (rollback of nothing). A lock
    file serialises writers on this host, and each exports after taking it, so the last
    writer always writes the newest journal."""
    path = mirror_path(settings, estate)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / f".{path.name}.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            session.rollback()  # a fresh snapshot, taken after the lock
            data = export_text(session, estate.id).encode("utf-8")
            session.rollback()
            if path.exists() and path.read_bytes() == data:
                return False
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(tmp, 0o644)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            return True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def after_commit(session: Session, settings: Settings, estate: Estate) -> None:
    """``sync_mirror`` for request handlers, after their commit: a failed file write is
    logged, not raised — the entry is committed, and start-up or ``trustfund ledger sync``
    repairs the file."""
    try:
        sync_mirror(session, settings, estate)
    except (OSError, ValueError):
        log.exception("ledger mirror write failed", estate=estate.slug)


def estates_with_books(session: Session) -> list[Estate]:
    return list(
        session.scalars(
            select(Estate).join(LedgerHead, LedgerHead.estate_id == Estate.id).order_by(Estate.slug)
        )
    )


def sync_all_mirrors(session_factory: Callable[[], Session], settings: Settings) -> int:
    """Bring every estate's mirror up to date (app start-up, ``trustfund ledger sync``):
    repairs a crash between a commit and its file write. Returns how many files changed.
    A failing estate is logged and skipped so one bad file cannot stop the app."""
    changed = 0
    with session_factory() as session:
        for estate in estates_with_books(session):
            try:
                changed += sync_mirror(session, settings, estate)
            except (OSError, ValueError):
                log.exception("ledger mirror sync failed", estate=estate.slug)
    return changed
