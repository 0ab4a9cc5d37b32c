"""The migrations build exactly the schema the models declare, on every backend."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from trustfund.db.models import Base


def _describe(diff: Any) -> str:
    """One line per difference (alembic nests column-level changes in lists)."""
    if isinstance(diff, list):
        return "; ".join(_describe(d) for d in diff)
    kind, *rest = diff
    names = [getattr(r, "name", None) or getattr(r, "fullname", None) or repr(r) for r in rest]
    return f"{kind}: {', '.join(str(n) for n in names)}"


def test_migrated_schema_equals_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [_describe(d) for d in compare_metadata(context, Base.metadata)]
    assert differences == []
