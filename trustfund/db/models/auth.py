"""Users, memberships, sessions, API tokens, login attempts and the audit log (issue 2)."""
