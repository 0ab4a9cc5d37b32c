"""The PostgreSQL role split: an **owner** role that runs the migrations and owns every table,
trigger and function, and an **application** role that the service connects as, which can
read and write the working tables but only ``SELECT`` and ``INSERT`` the append-only ones.

Why: PostgreSQL triggers keep the journal append-only, but a table's owner (or a superuser)
can ``ALTER TABLE … DISABLE TRIGGER`` and then rewrite history. The service therefore never
connects as the owner: its role owns nothing, is no superuser (so it cannot set
``session_replication_role``) and holds no ``UPDATE``, ``DELETE`` or ``TRUNCATE`` on the
append-only tables. ``role_statements`` is the SQL (``trustfund db roles`` prints or applies
it); run it as a superuser (or the database's owner with ``CREATEROLE``) after every
``trustfund db upgrade``: it is idempotent.
"""

from __future__ import annotations

import re

#: Tables whose rows are never updated nor deleted (PostgreSQL triggers refuse it too).
APPEND_ONLY_TABLES = ("journal_entries", "journal_postings", "disclosure_snapshots")
#: Tables the service may update (under a trigger that allows one kind of change) but never
#: delete from.
NO_DELETE_TABLES = ("period_locks",)

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def role_statements(owner: str, app: str) -> list[str]:
    """The SQL that creates (if missing) the ``owner`` and ``app`` roles, makes ``owner`` the
    owner of every table, sequence and function in schema ``public`` and grants ``app``
    what the service needs and nothing more. Raises ``ValueError`` for a bad role name."""
    for name in (owner, app):
        if not _ROLE.fullmatch(name):
            raise ValueError(f"role name {name!r}: lower-case letters, digits and _ only")
    if owner == app:
        raise ValueError("the owner and the application role must differ")
    append_only = ", ".join(APPEND_ONLY_TABLES)
    no_delete = ", ".join(NO_DELETE_TABLES)
    return [
        _create_role(owner, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"),
        _create_role(app, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS"),
        f"REVOKE {owner} FROM {app}",  # the service must never act as the owner
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {owner}",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        # ownership: tables (their triggers and owned sequences follow), then functions
        "DO $$ DECLARE t record; BEGIN"  # noqa: S608 -- role names checked by _ROLE
        " FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP"
        f" EXECUTE format('ALTER TABLE public.%I OWNER TO {owner}', t.tablename);"
        " END LOOP;"
        " FOR t IN SELECT p.oid::regprocedure AS fn FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' LOOP"
        f" EXECUTE format('ALTER FUNCTION %s OWNER TO {owner}', t.fn);"
        " END LOOP; END $$",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {append_only} FROM {app}",
        f"REVOKE DELETE, TRUNCATE ON {no_delete} FROM {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        # tables added by later migrations (run as the owner) are usable by the service at
        # once; run this again after an upgrade so new append-only tables lose UPDATE/DELETE
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public"
        f" GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ]


def _create_role(name: str, attributes: str) -> str:
    return (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN"
        f" CREATE ROLE {name} {attributes}; ELSE ALTER ROLE {name} {attributes}; END IF;"
        " END $$"
    )
