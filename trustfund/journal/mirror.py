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
from datetime import UTC, datetime
from pathlib import Path

import structlog
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry, LedgerHead
from trustfund.db.session import reads_only
from trustfund.errors import NotFoundError
from trustfund.journal.head import CHAINED_ESTATES, NEW_ENTRIES
from trustfund.ledger.text import header
from trustfund.messages import Message
from trustfund.settings import Settings

log = structlog.get_logger("trustfund.journal.mirror")
_SAFE_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


def iter_export(session: Session, estate_id: int) -> Iterator[str]:
    """The export in pieces (header, then entries), streamed from the database."""
    estate = session.get(Estate, estate_id)
    if estate is None:
        raise NotFoundError(Message("journal.no_estate", estate_id=estate_id))
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
    if not _SAFE_SLUG.fullmatch(estate.slug):
        raise ValueError(f"estate slug {estate.slug!r} is not usable as a file name")
    return settings.ledger_dir / f"{estate.slug}.beancount"


class MirrorAheadError(ValueError):
    """The mirror file holds what the database does not (entries beyond its head, or other
    bytes where they overlap): the database may have been restored from an older backup or
    rewritten, and the file may be the only other copy. It is left alone."""


def sync_mirror(
    session: Session, settings: Settings, estate: Estate, *, force: bool = False
) -> bool:
    """Rewrite the estate's mirror file if its content differs from the database (atomically:
    temporary file + ``os.replace``). Returns whether the file changed.

    Only a file that is the start of the export (a crash lost its tail) is brought up to
    date: any other difference raises ``MirrorAheadError`` after logging an error, and the
    file is left alone — unless ``force`` (after inspection), which first keeps the file as
    ``<slug>.beancount.diverged-<UTC time>`` next to it.

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
            current = path.read_bytes() if path.exists() else b""
            if current == data and path.exists():
                return False
            if not data.startswith(current):
                if not force:
                    log.error(
                        "ledger mirror differs from the database: left alone",
                        estate=estate.slug,
                        path=str(path),
                        file_last_seq=_last_seq_in_file(path),
                    )
                    raise MirrorAheadError(
                        f"{path} holds entries or bytes the database does not: left alone. "
                        "Inspect it (trustfund ledger verify, trustfund ledger check), then "
                        f"run trustfund ledger sync --force {estate.slug} to keep it aside "
                        "and rewrite it from the database."
                    )
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                kept = path.with_name(f"{path.name}.diverged-{stamp}")
                os.link(path, kept)
                log.warning("ledger mirror kept aside", estate=estate.slug, kept=str(kept))
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


_LAST_SEQ = re.compile(rb'\n  seq: "(\d+)"\n')
_TAIL_BYTES = (8 * 1024, 256 * 1024)


def _last_seq_in_file(path: Path) -> int | None:
    """The seq of the file's last entry, read from its tail (None if not found)."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        for tail_bytes in _TAIL_BYTES:
            handle.seek(max(0, size - tail_bytes))
            found = _LAST_SEQ.findall(handle.read())
            if found:
                return int(found[-1])
            if tail_bytes >= size:
                break
    return None


def append_committed(settings: Settings, estate: Estate, entries: list[tuple[int, str]]) -> bool:
    """Append ``entries`` (``(seq, text)``, just committed, consecutive) without reading the
    database, if the file ends right before the first of them. Returns False (nothing
    written) otherwise: the caller falls back to ``append_mirror``."""
    path = mirror_path(settings, estate)
    seqs = [seq for seq, _ in entries]
    if not entries or seqs != list(range(seqs[0], seqs[0] + len(seqs))) or not path.exists():
        return False
    with open(path.parent / f".{path.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if _last_seq_in_file(path) != seqs[0] - 1:
                return False
            with open(path, "ab") as handle:  # no fsync: see append_mirror
                handle.write("".join("\n" + text for _, text in entries).encode("utf-8"))
            return True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _committed(session: Session, estate_id: int) -> tuple[Estate | None, list[tuple[int, str]]]:
    """The estate (if loaded in ``session``) and the entries ``session`` just committed."""
    estate = session.identity_map.get(session.identity_key(Estate, estate_id))
    if not isinstance(estate, Estate) or "slug" not in inspect(estate).dict:
        return None, []
    entries = sorted(
        (seq, text)
        for _, entry_estate, seq, text in session.info.get(NEW_ENTRIES, [])
        if entry_estate == estate_id
    )
    return estate, entries


def _ends_with(session: Session, path: Path, estate_id: int, seq: int) -> bool:
    """Whether the file ends with the whole text of entry ``seq`` (a crash in the middle of
    an append leaves its last entry torn, with its seq line already written)."""
    text = session.scalar(
        select(JournalEntry.text).where(
            JournalEntry.estate_id == estate_id, JournalEntry.seq == seq
        )
    )
    if text is None:
        return False
    tail = ("\n" + text).encode("utf-8")
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - len(tail)))
        return handle.read() == tail


def append_mirror(session: Session, settings: Settings, estate: Estate) -> None:
    """Bring the mirror up to date by appending the entries committed since the file's last
    one — O(new entries), cheap enough for every request. The journal is append-only, so
    the file only ever grows; anything unexpected (no file, no seq found, a file ahead of
    the database) falls back to a full ``sync_mirror``."""
    path = mirror_path(settings, estate)
    if not path.exists():
        sync_mirror(session, settings, estate)
        return
    lock_path = path.parent / f".{path.name}.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            last = _last_seq_in_file(path)
            session.rollback()
            head = session.scalar(
                select(LedgerHead.last_seq).where(LedgerHead.estate_id == estate.id)
            )
            if (
                last is None
                or head is None
                or last > head
                or not _ends_with(session, path, estate.id, last)
            ):
                needs_full_sync = True  # (a torn last entry included: sync_mirror decides)
            else:
                needs_full_sync = False
                texts = session.scalars(
                    select(JournalEntry.text)
                    .where(JournalEntry.estate_id == estate.id, JournalEntry.seq > last)
                    .order_by(JournalEntry.seq)
                )
                data = "".join("\n" + text for text in texts).encode("utf-8")
                if data:
                    # No fsync: the file is derived from the database, and start-up catches
                    # up whatever a crash lost; an fsync per request would cost more than
                    # the posting itself.
                    with open(path, "ab") as handle:
                        handle.write(data)
            session.rollback()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if needs_full_sync:
        sync_mirror(session, settings, estate)


def install_mirror_hook(session_factory: sessionmaker[Session], settings: Settings) -> None:
    """After every commit of a session from ``session_factory`` that extended an estate's
    chain, append the new entries to that estate's mirror: straight from the committed
    entries when the file ends right before them, else read from the database. One place for the API, the CLI
    and the demo. A failed write is logged, not raised: the entries are committed, and
    start-up or ``trustfund ledger sync`` repairs the file."""

    def _after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a SAVEPOINT released: the outer transaction is still open
        estate_ids = session.info.pop(CHAINED_ESTATES, None)
        if not estate_ids:
            session.info.pop(NEW_ENTRIES, None)
            return
        rest = []
        for estate_id in sorted(estate_ids):
            estate, entries = _committed(session, estate_id)
            try:
                if estate is None or not append_committed(settings, estate, entries):
                    rest.append(estate_id)
            except (OSError, ValueError):
                log.exception("ledger mirror write failed", estate=estate_id)
        session.info.pop(NEW_ENTRIES, None)
        if not rest:
            return
        with reads_only(), session_factory() as mirror_session:
            for estate_id in rest:
                estate = mirror_session.get(Estate, estate_id)
                if estate is None:
                    continue
                try:
                    append_mirror(mirror_session, settings, estate)
                except (OSError, ValueError):
                    log.exception("ledger mirror write failed", estate=estate.slug)

    def _after_rollback(session: Session, previous: SessionTransaction) -> None:
        if previous.parent is None:  # the whole transaction; a savepoint drops only its own
            session.info.pop(CHAINED_ESTATES, None)  # entries (journal.service)
            session.info.pop(NEW_ENTRIES, None)

    event.listen(session_factory, "after_commit", _after_commit)
    event.listen(session_factory, "after_soft_rollback", _after_rollback)


def estates_with_books(session: Session) -> list[Estate]:
    return list(
        session.scalars(
            select(Estate).join(LedgerHead, LedgerHead.estate_id == Estate.id).order_by(Estate.slug)
        )
    )


def catch_up_all_mirrors(session_factory: Callable[[], Session], settings: Settings) -> list[str]:
    """At start-up: append to every estate's mirror what was committed but not written
    (a crash between commit and file write). Cheap; ``sync_all_mirrors`` rewrites fully.
    Returns the slugs of estates whose mirror is ahead of the database or differs from it
    (``MirrorAheadError``: logged, left alone); the caller refuses to start."""
    refused: list[str] = []
    with session_factory() as session:
        for estate in estates_with_books(session):
            try:
                append_mirror(session, settings, estate)
            except MirrorAheadError:
                refused.append(estate.slug)
            except (OSError, ValueError):
                log.exception("ledger mirror catch-up failed", estate=estate.slug)
    return refused


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
