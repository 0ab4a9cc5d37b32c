#!/usr/bin/env bash
# Install everything trustfund needs on Debian 12 (root or sudo): system packages and a
# Python 3.11 virtual environment in .venv. Safe to run again: it only installs what is missing.
#   scripts/setup.sh          what the service needs
#   scripts/setup.sh --test   also what the test suite needs (Chromium for browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium postgresql-client)
fi
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$PYTHON" - <<'PY'
import sys
if sys.version_info[:2] != (3, 11):
    sys.exit(f"setup: trustfund needs Python 3.11, found {sys.version.split()[0]} (set PYTHON=...)")
PY

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.trustfund-installed
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]' -c constraints.txt
  echo "$want" > "$stamp"
fi
