#!/usr/bin/env bash
# Start the background worker and the web server together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
BIND="${BIND:-127.0.0.1:8000}"

trap 'trap - EXIT INT TERM; kill 0 2>/dev/null; wait' EXIT INT TERM

"$PY" manage.py qcluster &
"$PY" manage.py hub serve --bind "$BIND" &

echo "Integration Hub: web on http://$BIND (login page), worker running. Ctrl-C stops both."
wait -n
