#!/usr/bin/env bash
# Install everything and run the whole suite: lint, format check, type check, tests.
# Tests run on SQLite, and also on PostgreSQL when TRUSTFUND_TEST_POSTGRES_URL is set
# (.ci/run sets it). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export BEANCOUNT_DISABLE_LOAD_CACHE=1
echo "== ruff" && .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy" && .venv/bin/mypy
echo "== pytest"
# pytest exits 5 when no tests ran: set -e makes that a failure too.
.venv/bin/pytest -n "${PYTEST_WORKERS:-2}" "$@"
