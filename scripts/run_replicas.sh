#!/usr/bin/env bash
# N anchorviz servers (one `streamlit run app.py` per core) behind nginx with sticky sessions:
#   bash scripts/run_replicas.sh [N] [PORT]        # default: one replica per core, http://localhost:8501
#
# Why: Streamlit runs every session's script as a thread of one Python process, so one server uses at most one
# core. N processes use N cores. A Streamlit session lives in one process (its websocket, its state, its
# uploads), so every request of a browser must reach the same process: nginx sends a browser's first request to
# the replica with the fewest open connections (its users' websockets), names that replica in a cookie
# `avz_route` on the response, and routes every later request by that cookie, the websocket (/_stcore/stream)
# and the upload endpoint (/_stcore/upload_file) included. IP-based stickiness (ip_hash)
# would put a whole class behind one school NAT, or every loopback test user, on one replica.
# The replicas share one server.cookieSecret, so the XSRF cookie of any of them is valid on all.
#
# Replica i listens on 127.0.0.1:(REPLICA_BASE_PORT + i), i = 1..N (REPLICA_BASE_PORT defaults to PORT);
# nginx listens on HOST:PORT (HOST defaults to 0.0.0.0). The nginx config is generated into a temporary folder,
# removed on exit; the replicas' and nginx's messages go to this script's output. Ctrl-C (or SIGTERM) stops nginx and every replica. Extra `streamlit run` options can be given
# in STREAMLIT_ARGS. Installs Debian's nginx-light when nginx is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-$(nproc)}"
PORT="${2:-${PORT:-8501}}"
HOST="${HOST:-0.0.0.0}"
BASE="${REPLICA_BASE_PORT:-$PORT}"
if [ -x .venv/bin/python ]; then PY="${PYTHON:-.venv/bin/python}"; else PY="${PYTHON:-python3}"; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "== installing Debian's nginx-light (the load balancer)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

DIR="$(mktemp -d -t anchorviz-replicas.XXXXXX)"
PIDS=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

for p in "$PORT" $(seq $((BASE + 1)) $((BASE + N))); do  # a port in use would answer the health checks below
  if ! "$PY" -c "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $p))" 2>/dev/null; then
    echo "port $p is in use (replicas use REPLICA_BASE_PORT+1..+N, nginx PORT)"; exit 1
  fi
done

# The caches are per process: each replica gets 1/N of one server's byte budgets (anchors 128 MB, results
# 192 MB, datasets 256 MB), so N replicas hold about the memory one server would. Set the variables to choose per replica.
export ANCHORVIZ_ANCHOR_CACHE_MB="${ANCHORVIZ_ANCHOR_CACHE_MB:-$((128 / N))}"
export ANCHORVIZ_RESULT_CACHE_MB="${ANCHORVIZ_RESULT_CACHE_MB:-$((192 / N))}"
export ANCHORVIZ_DATASET_CACHE_MB="${ANCHORVIZ_DATASET_CACHE_MB:-$((256 / N))}"
echo "== $N replicas, caches per replica: anchors ${ANCHORVIZ_ANCHOR_CACHE_MB} MB, results ${ANCHORVIZ_RESULT_CACHE_MB} MB, datasets ${ANCHORVIZ_DATASET_CACHE_MB} MB"

SECRET="$("$PY" -c 'import secrets; print(secrets.token_hex(32))')"
POOL=""; ONE=""; BY_COOKIE=""; BY_ADDR=""
for i in $(seq 1 "$N"); do
  p=$((BASE + i))
  # shellcheck disable=SC2086  # STREAMLIT_ARGS is a list of options
  STREAMLIT_SERVER_COOKIE_SECRET="$SECRET" "$PY" -m streamlit run app.py --server.headless true \
    --server.address 127.0.0.1 --server.port "$p" ${STREAMLIT_ARGS:-} &
  PIDS+=("$!")
  POOL+="        server 127.0.0.1:$p max_fails=0;"$'\n'
  ONE+="    upstream avz_r$i { server 127.0.0.1:$p max_fails=0; }"$'\n'
  BY_COOKIE+="        r$i avz_r$i;"$'\n'
  BY_ADDR+="        127.0.0.1:$p r$i;"$'\n'
done

# nginx started as root runs its worker as an unprivileged user, which must be able to write its temp folders
USER_LINE=""
if [ "$(id -u)" -eq 0 ]; then
  WORKER="$(id -u www-data >/dev/null 2>&1 && echo www-data || echo nobody)"
  USER_LINE="user $WORKER;"
  mkdir -p "$DIR"/{client_body,proxy,fastcgi,uwsgi,scgi}
  chown "$WORKER" "$DIR"/{client_body,proxy,fastcgi,uwsgi,scgi}
  chmod 755 "$DIR"
fi

cat >"$DIR/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
daemon off;
pid $DIR/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $DIR/client_body;
    proxy_temp_path $DIR/proxy;
    fastcgi_temp_path $DIR/fastcgi;
    uwsgi_temp_path $DIR/uwsgi;
    scgi_temp_path $DIR/scgi;
    client_max_body_size 60m;  # .streamlit/config.toml: maxUploadSize = 50

    # Sticky sessions: a browser's first request (no avz_route cookie) goes to the replica with the fewest open
    # connections (least_conn: a user holds one websocket, so this is the replica with the fewest users), and
    # the response names that replica in the cookie (r1..rN); every later request, the websocket and uploads
    # included, goes to the replica its cookie names. A hash of a random cookie split 25 users 15 / 10 at
    # times, and the fuller replica held the memory and the queue.
    map \$cookie_avz_route \$avz_upstream {
$BY_COOKIE        default avz_pool;
    }
    map \$upstream_addr \$avz_route {
$BY_ADDR        default "";
    }
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ""      close;
    }
    upstream avz_pool {
        least_conn;
$POOL    }
$ONE    server {
        listen $HOST:$PORT;
        location / {
            proxy_pass http://\$avz_upstream;
            proxy_http_version 1.1;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            proxy_buffering off;
            proxy_request_buffering off;  # uploads stream through to the replica
            add_header Set-Cookie "avz_route=\$avz_route; Path=/; HttpOnly; SameSite=Lax" always;
        }
    }
}
EOF

for i in $(seq 1 "$N"); do  # every replica answers before nginx takes requests
  p=$((BASE + i))
  for _ in $(seq 1 300); do
    if "$PY" -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:$p/_stcore/health', timeout=1).read() != b'ok')" 2>/dev/null; then
      break
    fi
    if ! kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null; then
      echo "replica $i did not start (its output is above)"; exit 1
    fi
    sleep 0.2
  done
  echo "replica $i: http://127.0.0.1:$p"
done
"$NGINX" -c "$DIR/nginx.conf" -p "$DIR" &
PIDS+=("$!")
echo "nginx: http://$HOST:$PORT -> $N replicas (sticky by the avz_route cookie); Ctrl-C stops all"
wait -n "${PIDS[@]}"
echo "a process ended; stopping the others"
exit 1
