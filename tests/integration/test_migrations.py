"""The migrations build exactly the schema the models declare, on every backend."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from trustfund.db.migrate import alembic_config, upgrade
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


def test_0020_fills_the_household_keys_of_households_already_recorded(engine: Engine) -> None:
    """Households recorded before the personal-data keys existed get theirs from the
    migration (the model keeps them from then on), so the check finds those owners too."""
    command.downgrade(alembic_config(engine), "0019_inquiries")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO estates (id, slug, name, address, community, street_office, timezone, created_at) VALUES (1, 'old', '老小区', '', '', '', 'Asia/Shanghai', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text("INSERT INTO sites (id, estate_id, code, name) VALUES (1, 1, 'S1', '一区')")
        )
        connection.execute(
            text("INSERT INTO buildings (id, estate_id, site_id, number) VALUES (1, 1, 1, '1')")
        )
        for id_, room, name, phone in (
            (1, "101", "鲁 磊", "+86 138-0000-0001"),
            (2, "102", "李", "0574-87000001"),
            (3, "103", None, None),
        ):
            connection.execute(
                text(
                    "INSERT INTO households (id, estate_id, building_id, entrance, room, code, "
                    "owner_name, phone, created_at) VALUES (:id, 1, 1, '1', :room, :code, "
                    ":name, :phone, CURRENT_TIMESTAMP)"
                ),
                {
                    "id": id_,
                    "room": room,
                    "code": f"H-AAAAA{id_ + 1}",
                    "name": name,
                    "phone": phone,
                },
            )
    upgrade(engine)
    with engine.connect() as connection:
        keys = connection.execute(
            text("SELECT id, name_key, phone_key FROM households ORDER BY id")
        ).all()
    assert [tuple(row) for row in keys] == [
        (1, "鲁磊", "13800000001"),
        (2, None, "87000001"),  # a surname alone is too short to compare
        (3, None, None),
    ]
