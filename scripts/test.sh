#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine and runs every test:
#   Debian's chromium (the browser tests drive it through Playwright; Playwright's own browser
#   download does not work here) and CJK fonts, a virtualenv with the pinned Python packages, then pytest.
# Extra arguments go to pytest (for example: bash scripts/test.sh -k parity).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# chromium for the browser tests; Noto CJK so the Korean and Chinese pages render (not as empty boxes), Noto
# colour emoji for the navigation icons in the screenshots;
# nginx-light for the test of scripts/run_replicas.sh (replicas behind a sticky-session load balancer)
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" \
    || ! fc-list 2>/dev/null | grep -qi "color emoji" \
    || { ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; }; then
  echo "== installing Debian's chromium, CJK fonts and nginx-light for the browser tests"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji nginx-light >/dev/null
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  if ! "$PY" -m venv .venv; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    "$PY" -m venv .venv
  fi
fi
echo "== installing Python packages"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-dev.txt
.venv/bin/python -m pip install -q --no-deps -e .

echo "== running the tests"
exec .venv/bin/python -m pytest "$@"
