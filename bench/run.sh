#!/usr/bin/env bash
# Every benchmark with one command; appends a dated section with the machine and every
# script's figures to bench/RESULTS.md (full outputs in bench/out/<date>/).
#
#   bench/run.sh            full sizes (about an hour on 2 cores), recorded in RESULTS.md
#   bench/run.sh --quick    small sizes, a smoke test of the scripts; not recorded
#
# PostgreSQL: TRUSTFUND_BENCH_POSTGRES_URL, a server URL we may create databases from
# (default postgresql+psycopg://postgres@127.0.0.1/postgres). Needs pgbench and the
# PostgreSQL client tools (scripts/setup.sh --test) and ledger-cli (installed here with
# apt-get when missing). Heavy benchmarks should run on a quiet machine: the load average
# is printed before and after each one and recorded with the figures.
set -uo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
PG="${TRUSTFUND_BENCH_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1/postgres}"
[ -f .venv/bin/activate ] && . .venv/bin/activate
export BEANCOUNT_DISABLE_LOAD_CACHE=1

if ! command -v ledger >/dev/null; then
    echo "installing ledger-cli (Debian package ledger)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get install -y --no-install-recommends ledger >/dev/null || echo "ledger-cli not installed"
fi

if [ "$QUICK" = 1 ]; then
    ENTRIES=5000; CONC="4 50"; PAYMENTS=200; IMPORT=200; ROUNDS=3; ESTATES=10; HOUSEHOLDS=200; FUZZ=1; CITY_SECONDS=3
else
    ENTRIES=100000; CONC="16 200"; PAYMENTS=2000; IMPORT=5000; ROUNDS=20; ESTATES=600; HOUSEHOLDS=2000; FUZZ=10; CITY_SECONDS=20
fi

STAMP="$(date +%F-%H%M)"
OUT="bench/out/$STAMP"
mkdir -p "$OUT"
[ -f bench/out/.gitignore ] || echo '*' > bench/out/.gitignore  # outputs are not committed
FAILED=()

bench() {  # name, command...
    local name="$1"; shift
    echo "== $name: $*"
    (
        echo "\$ $*"
        echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
        start=$SECONDS
        "$@" 2>&1
        rc=$?
        echo "exit $rc after $((SECONDS - start)) s; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
        exit $rc
    ) > "$OUT/$name.txt" || FAILED+=("$name")
    grep -v '"event":' "$OUT/$name.txt" | tail -n 4
}

bench ledger_balances_sqlite python bench/ledger_balances.py --entries "$ENTRIES"
bench ledger_balances_postgres python bench/ledger_balances.py --entries "$ENTRIES" --postgres "$PG"
bench ledger_concurrency python bench/ledger_concurrency.py "$PG" $CONC
bench disclosure_sqlite python bench/disclosure_statement.py --entries "$ENTRIES"
bench disclosure_postgres python bench/disclosure_statement.py --entries "$ENTRIES" --postgres "$PG"
bench statement_vs_tools python bench/statement_vs_tools.py --entries "$ENTRIES"
bench fees_postgres python bench/fees_payments.py postgres "$PG" --payments "$PAYMENTS" --import-rows "$IMPORT" --sequential $((PAYMENTS / 5))
bench fees_sqlite python bench/fees_payments.py sqlite "/tmp/tf-fees-bench-$STAMP" --payments "$PAYMENTS" --import-rows "$IMPORT" --sequential $((PAYMENTS / 5)) --workers 1
bench crash_sqlite python bench/crash_safety.py sqlite --rounds "$ROUNDS"
bench crash_postgres python bench/crash_safety.py postgres --rounds "$ROUNDS" --server "$PG"
bench city_january python bench/city_january.py "$PG" --estates "$ESTATES" --households "$HOUSEHOLDS" --seconds "$CITY_SECONDS"
bench memory_postgres python bench/memory_estates.py --postgres "$PG" --estates "$ESTATES" --households "$HOUSEHOLDS"
bench fuzz env TRUSTFUND_TEST_POSTGRES_URL="${TRUSTFUND_TEST_POSTGRES_URL:-${PG%/*}/test}" \
    TRUSTFUND_FUZZ_EXAMPLES="$FUZZ" pytest -m fuzz tests/integration/hardening/test_fuzz.py -q -s -p no:cacheprovider

if [ "$QUICK" = 0 ]; then
    {
        echo
        echo "## bench/run.sh — $STAMP"
        echo
        echo "Machine: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM,"
        echo "$(python --version), $(psql --version 2>/dev/null | head -1 || echo 'psql ?'), $(ledger --version 2>/dev/null | head -1 || echo 'ledger ?')."
        echo "Full outputs: \`$OUT/\`. Each block: the command, the load average before and after, the figures."
        for f in "$OUT"/*.txt; do
            echo
            echo "### $(basename "$f" .txt)"
            echo
            echo '```'
            grep -v '"event":' "$f" | tail -n 12
            echo '```'
        done
    } >> bench/RESULTS.md
    echo "appended to bench/RESULTS.md"
fi

if [ ${#FAILED[@]} -gt 0 ]; then
    echo "FAILED: ${FAILED[*]}"
    exit 1
fi
echo "all benchmarks ran"
