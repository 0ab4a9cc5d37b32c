"""The one-statement write of a lone journal entry on PostgreSQL (issue 19) must be a
statement SQLAlchemy can cache: one without a cache key is compiled again for every posting,
which costs more than the round trips it saves (a multi-row VALUES did exactly that)."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql

from trustfund.journal.service import _lone_entry_write


@pytest.mark.parametrize(("postings", "totals"), [(2, 1), (2, 2), (4, 4), (7, 3)])
def test_the_lone_entry_write_is_cached_once_compiled(postings: int, totals: int) -> None:
    statement = _lone_entry_write(postings, totals)
    assert statement._generate_cache_key() is not None
    sql = str(statement.compile(dialect=postgresql.dialect()))
    for part in ("INSERT INTO journal_entries", "INSERT INTO journal_postings"):
        assert part in sql
    assert "UPDATE ledger_heads" in sql and "ON CONFLICT" in sql
    assert sql.count("UNION ALL") == (postings - 1) + (totals - 1)
