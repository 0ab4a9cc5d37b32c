"""Autonomy fund: sources and donors, gifts (money and in kind), projects and budgets (issue 6)."""
