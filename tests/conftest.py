"""Shared fixtures. Any test that asks for ``backend`` (directly or through ``db_url``,
``engine``, ``session``, ``app`` or ``client``) runs once on SQLite and once on PostgreSQL.

PostgreSQL runs when TRUSTFUND_TEST_POSTGRES_URL names a server database we may create
databases from (e.g. ``postgresql+psycopg://postgres@127.0.0.1/test``). Without it the
PostgreSQL variants are skipped — except in CI (``CI=true``), where that is an error and any
skipped PostgreSQL test counts as a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.conformance import check_responses
from trustfund.app import create_app
from trustfund.db.migrate import upgrade
from trustfund.db.session import make_engine, make_session_factory
from trustfund.settings import Settings

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

PG_URL = os.environ.get("TRUSTFUND_TEST_POSTGRES_URL", "").strip()
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_passed_by_backend: Counter[str] = Counter()


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI=true but TRUSTFUND_TEST_POSTGRES_URL is not set")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only_pg = metafunc.definition.get_closest_marker("postgres_only") is not None
        params = ["postgres"] if only_pg else ["sqlite", "postgres"]
        metafunc.parametrize("backend", params, indirect=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    backend = getattr(getattr(item, "callspec", None), "params", {}).get("backend")
    if IN_CI and report.skipped and backend == "postgres":
        report.outcome = "failed"
        report.longrepr = f"PostgreSQL test skipped in CI: {report.longrepr}"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        backend = "sqlite" if "[sqlite" in report.nodeid else None
        backend = "postgres" if "[postgres" in report.nodeid else backend
        _passed_by_backend[backend or "no database"] += 1


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    counts = ", ".join(f"{name}: {n}" for name, n in sorted(_passed_by_backend.items()))
    terminalreporter.write_line(f"tests passed by backend — {counts or 'none'}")


# --- databases ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not Path(f"{path}-wal").exists()
    return path


def _pg_admin() -> Engine:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("TRUSTFUND_TEST_POSTGRES_URL not set")
    name = f"tf_tmpl_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, fully migrated database for this test."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"tf_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(
            text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}" STRATEGY FILE_COPY')
        )
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_session_factory(engine)() as session:
        yield session


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        database_url=db_url,
        ledger_dir=tmp_path / "ledgers",
        secret_key="test-secret-key-not-for-production",
    )


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Litestar:
    return create_app(settings, engine=engine)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as client:
        check_responses(client)
        yield client
