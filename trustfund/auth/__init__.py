"""People and access: users, memberships and roles, sessions, API tokens, audit log."""
