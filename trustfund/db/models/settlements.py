"""Approvals (four eyes, thresholds), contractors, contracts, reference prices, work orders, claims, payouts, goods (issue 5)."""
