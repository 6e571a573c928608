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
