"""Estates on the public home page and in the supervisors' overview come in the same order on
SQLite and on a PostgreSQL database whose collation is Chinese (ICU ``zh-Hans-CN``, as on a
server initialised with a Chinese locale): code-point order of street office, community and
name. ``ORDER BY`` on Chinese text follows the database's collation — pinyin there (安 ān
before 北 běi), code points in SQLite (北 U+5317 before 安 U+5B89) — so these lists are sorted
in Python. Built from an empty database through the command line and HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.integration.onboarding.helpers import PASSWORDS, Cli, installer_creates_admin
from trustfund.app import create_app
from trustfund.db.migrate import upgrade
from trustfund.db.session import make_engine
from trustfund.settings import Settings


@pytest.fixture
def zh_db_url(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The test's database: on PostgreSQL a new one whose default collation is Chinese."""
    if backend == "sqlite":
        yield str(request.getfixturevalue("db_url"))
        return
    if not PG_URL:
        pytest.skip("TRUSTFUND_TEST_POSTGRES_URL not set")
    name = f"tf_zh_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(
                f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER icu '
                "ICU_LOCALE 'zh-Hans-CN' LOCALE 'C.UTF-8'"
            )
        )
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_estates_are_listed_in_the_same_order_whatever_the_collation(
    backend: str, zh_db_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        var_dir=tmp_path / "var",
        database_url=zh_db_url,
        ledger_dir=tmp_path / "ledgers",
        secret_key="test-secret-key-not-for-production",
    )
    cli = Cli.of(settings)
    installer_creates_admin(cli)
    for slug, name, community in (
        ("anju", "安居苑", "安康社区"),
        ("beiyuan", "北苑", "北门社区"),
    ):
        cli.ok(
            "estate", "create", slug, "--name", name, "--community", community,
            "--street-office", "鼓楼街道",
        )  # fmt: skip
    engine = make_engine(zh_db_url)
    try:
        with engine.connect() as conn:  # the database's own order: what the test guards against
            by_sql = conn.scalars(text("SELECT slug FROM estates ORDER BY community")).all()
        assert by_sql == (["anju", "beiyuan"] if backend == "postgres" else ["beiyuan", "anju"])
        with TestClient(create_app(settings, engine=engine)) as client:
            home = client.get("/").text
            assert home.index("北苑") < home.index("安居苑")
            signed_in = client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": PASSWORDS["admin"]}
            )
            assert signed_in.status_code == 200, signed_in.text
            overview = client.get("/api/v1/supervisor/overview")
            assert overview.status_code == 200, overview.text
            assert [e["slug"] for e in overview.json()["estates"]] == ["beiyuan", "anju"]
    finally:
        engine.dispose()
