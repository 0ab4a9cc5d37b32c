"""Fee schedules, charges, payments, receipts (issue 4)."""
