#!/usr/bin/env bash
# The main job: local stack up, ingest seeds/, show what search finds.
set -euo pipefail
cd "$(dirname "$0")/.."
nf=.venv/bin/newsflow
$nf up
$nf ingest seeds/ --wait
echo; echo '$ newsflow search "Kim Jong Un"'
$nf search "Kim Jong Un" --size 3
echo; echo '$ newsflow search --person "Rustem Umerov"'
$nf search --person "Rustem Umerov"
echo; echo '$ newsflow search drones --place Kharkiv --mentioned-since 2025-06-01 --mentioned-until 2025-06-03'
$nf search drones --place Kharkiv --mentioned-since 2025-06-01 --mentioned-until 2025-06-03
echo; $nf status
echo; echo "The stack keeps running: drop more files into .runtime/drop/, or stop it with 'make down'."
# The analyst page is served by the API (started by 'newsflow up'); its address comes last.
page="http://127.0.0.1:${NEWSFLOW_API_PORT:-8000}/"
if .venv/bin/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)" "${page}healthz" 2>/dev/null; then
  echo; echo "The analyst page: ${page}?q=Kim+Jong+Un (sign in with the token in .runtime/api-token)"
else
  echo; echo "The analyst page would be at ${page}, but the API did not answer there (see .runtime/logs/api.log)."
fi
