"""Journal tables: entries, postings, accounts, period locks, idempotency (issue 3)."""
