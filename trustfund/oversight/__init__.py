"""Oversight for the committee and the supervisor (issue 18.4): alerts computed from the
books, per-estate thresholds, acknowledgements with a note. See ``docs.md``."""
