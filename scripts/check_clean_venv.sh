#!/usr/bin/env bash
# Does the app start from requirements.txt alone, as Streamlit Community Cloud installs it?
#   A copy of the checkout (tracked and new files, as a clone would have them) in a temporary folder, a fresh
#   venv there, `pip install -r requirements.txt` (no dev requirements, no Debian packages; pip may use its
#   wheel cache), `streamlit run app.py` from that venv on a free loopback port, then every page opened in
#   headless Chromium (scripts/open_every_page.py, run by a Python that has playwright: $BROWSER_PYTHON, default
#   .venv/bin/python). Fails on an install error, a page that does not draw, an error shown, or a traceback in
#   the server log. Nothing is written to the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="${PYTHON:-python3}"
BROWSER_PY="${BROWSER_PYTHON:-$ROOT/.venv/bin/python}"
TMP=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "== copy of the checkout in $TMP/app"
mkdir "$TMP/app"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  if [ -e "$f" ]; then mkdir -p "$TMP/app/$(dirname "$f")" && cp -p "$f" "$TMP/app/$f"; fi
done

echo "== fresh venv, pip install -r requirements.txt"
"$PY" -m venv "$TMP/venv"
cd "$TMP/app"
"$TMP/venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements.txt
for dev in pytest playwright hypothesis scipy; do  # nothing of requirements-dev.txt came along
  if "$TMP/venv/bin/python" -c "import $dev" 2>/dev/null; then echo "FAIL: $dev is installed"; exit 1; fi
done

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== $TMP/venv/bin/streamlit run app.py on 127.0.0.1:$PORT"
"$TMP/venv/bin/streamlit" run app.py --server.headless true --server.address 127.0.0.1 --server.port "$PORT" \
  --server.fileWatcherType none --browser.gatherUsageStats false > "$TMP/server.log" 2>&1 &
SERVER=$!
"$PY" - "$PORT" <<'PYEOF'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/_stcore/health"
deadline = time.time() + 90
while True:
    try:
        if urllib.request.urlopen(url, timeout=1).read() == b"ok":
            break
    except OSError:
        if time.time() > deadline:
            sys.exit("the server did not answer its health check in 90 s")
        time.sleep(0.3)
PYEOF

echo "== every page in headless Chromium"
status=0
"$BROWSER_PY" "$ROOT/scripts/open_every_page.py" "http://127.0.0.1:$PORT" ${SHOTS:+"$SHOTS"} || status=1
if grep -q "Traceback" "$TMP/server.log"; then
  echo "FAIL: a traceback in the server log:"; cat "$TMP/server.log"; status=1
fi
if [ "$status" -ne 0 ]; then echo "== server log"; tail -50 "$TMP/server.log"; exit 1; fi
echo "OK: the app runs from requirements.txt alone"
