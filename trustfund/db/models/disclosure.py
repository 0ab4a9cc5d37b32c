"""Disclosures: versions, submissions, approvals, published snapshots (issue 7)."""
