"""What someone holding the database does to the journal in the tamper tests: change an
entry's stored text and, if clever, rewrite the chain after it so every hash checks out. On
PostgreSQL the append-only triggers are switched off first, as the owner role could."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, text

from trustfund.ledger.chain import entry_hash
from trustfund.ledger.text import with_hash, without_hash


def rewrite_entry(
    engine: Engine,
    backend: str,
    estate_id: int,
    seq: int,
    change: Callable[[str], str],
    *,
    rehash: bool,
    narration: tuple[str, str] = ("", ""),
) -> None:
    """Apply ``change`` to entry ``seq``'s canonical text (and replace ``narration[0]`` by
    ``narration[1]`` in its narration column). With ``rehash`` every entry from ``seq`` on
    gets new hashes and prev links and the head moves: a rewrite both chain checks accept."""
    with engine.begin() as conn:
        if backend == "postgres":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        rows = conn.execute(
            text(
                "SELECT seq, text, prev_hash FROM journal_entries"
                " WHERE estate_id = :e AND seq >= :s ORDER BY seq"
            ),
            {"e": estate_id, "s": seq},
        ).all()
        prev = rows[0].prev_hash
        for row in rows if rehash else rows[:1]:
            canonical, old_hash = without_hash(row.text)
            digest = str(old_hash)
            if row.seq == seq:
                canonical = change(canonical)
            if rehash:
                lines = canonical.split("\n")
                lines[2] = f'  prev: "{prev}"'
                canonical = "\n".join(lines)
                digest = entry_hash(prev, canonical)
            first = row.seq == seq
            conn.execute(
                text(
                    "UPDATE journal_entries SET text = :t, hash = :h, prev_hash = :p,"
                    " narration = replace(narration, :old, :new)"
                    " WHERE estate_id = :e AND seq = :s"
                ),
                {
                    "t": with_hash(canonical, digest),
                    "h": digest,
                    "p": prev if rehash else row.prev_hash,
                    "old": narration[0] if first else "",
                    "new": narration[1] if first else "",
                    "e": estate_id,
                    "s": row.seq,
                },
            )
            prev = digest
        if rehash:
            conn.execute(
                text("UPDATE ledger_heads SET last_hash = :h WHERE estate_id = :e"),
                {"h": prev, "e": estate_id},
            )
