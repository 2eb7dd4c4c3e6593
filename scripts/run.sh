#!/usr/bin/env bash
# Start the web server and the background worker, and keep both running: one that stops is
# started again (after a short pause, so a crash loop does not spin). Ctrl-C (or SIGTERM)
# stops both, with their children: each runs in its own process group, which gets SIGTERM,
# then SIGKILL after STOP_SECONDS if it has not gone (qcluster can hang after SIGTERM).
set -euo pipefail
set -m  # job control: every background process leads its own process group
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
BIND="${BIND:-127.0.0.1:8000}"
STOP_SECONDS="${STOP_SECONDS:-10}"
RESTART_PAUSE="${RESTART_PAUSE:-2}"
WEB=""
WORKER=""

web_start() {
  "$PY" manage.py hub serve --bind "$BIND" &
  WEB=$!
}

worker_start() {
  "$PY" manage.py qcluster &
  WORKER=$!
}

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

stop() {
  trap - EXIT INT TERM
  for pid in $WEB $WORKER; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 $((STOP_SECONDS * 5))); do
    alive "$WEB" || alive "$WORKER" || break
    sleep 0.2
  done
  for pid in $WEB $WORKER; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Integration Hub stopped."
  exit 0
}
trap stop EXIT INT TERM

web_start
worker_start
echo "Integration Hub: web on http://$BIND (login page), worker running. Ctrl-C stops both."
while true; do
  wait -n || true
  sleep "$RESTART_PAUSE"
  if ! alive "$WEB"; then
    echo "run.sh: the web server stopped; starting it again" >&2
    web_start
  fi
  if ! alive "$WORKER"; then
    echo "run.sh: the worker stopped; starting it again" >&2
    kill -KILL -- "-$WORKER" 2>/dev/null || true  # its children, if any are left
    worker_start
  fi
done
