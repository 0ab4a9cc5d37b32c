#!/usr/bin/env bash
# Install everything, build the demo estate (youhe, 游河小区) on SQLite and serve it at
# http://127.0.0.1:8000. Safe to run again: the demo data are created once.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export BEANCOUNT_DISABLE_LOAD_CACHE=1
.venv/bin/trustfund db upgrade
.venv/bin/trustfund demo
exec .venv/bin/trustfund serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
