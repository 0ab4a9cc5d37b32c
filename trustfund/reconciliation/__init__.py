"""Reconciliation with the real bank (issue 18): the committee account's statement imported,
matched to the books' bank movements, and reconciled month by month with the committee's
approval. See ``docs.md``."""
