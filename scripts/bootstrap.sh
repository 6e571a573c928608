#!/usr/bin/env bash
# Idempotent set-up of everything newsflow needs on a fresh Debian machine (no Docker required):
# system packages (redis-server, docker-compose for validating the compose file, Maven + JDK for the
# local Elasticsearch node), the Python venv with pinned dependencies, and the Elasticsearch launcher.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v mvn >/dev/null || missing+=(maven)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
# The analyst page: npm fetches its front-end libraries at install time; its browser tests drive
# Debian's Chromium (Playwright's own browser download cannot work without the internet).
command -v npm >/dev/null || missing+=(npm)
command -v chromium >/dev/null || missing+=(chromium)
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]} from Debian's packages"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python_bin="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
stamp=.venv/.newsflow-installed
if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: installing Python dependencies (requirements.lock)"
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.lock
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
  touch "$stamp"
fi

bash tools/elasticsearch/elasticsearch.sh build

# The page's scripts, styles and world outline, served by the API from its own node_modules.
page=services/api/page
if [ ! -f "$page/node_modules/.package-lock.json" ] || [ "$page/package-lock.json" -nt "$page/node_modules/.package-lock.json" ]; then
  echo "bootstrap: installing the analyst page's front-end libraries (npm ci)"
  npm ci --prefix "$page" --no-audit --no-fund --loglevel=error
fi
