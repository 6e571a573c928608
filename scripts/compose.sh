#!/usr/bin/env bash
# The production compose stack on any machine: a real Docker engine when one answers, otherwise
# podman from Debian serving the Docker API to docker-compose, with stand-in images (compose/).
#
#   scripts/compose.sh up [SERVICE...]     engine (if needed) + build + `up -d`, waits until healthy
#   scripts/compose.sh down [-v]           `down` the stack, then stop the engine pieces this script started
#   scripts/compose.sh compose ARGS...     docker-compose with this stack's files and engine (ps, logs, kill...)
#   scripts/compose.sh docker ARGS...      the docker client against the same engine (network disconnect...)
#   scripts/compose.sh engine              start only the engine (podman service + health-check loop)
#   scripts/compose.sh info                which engine, files and project are in use
#
# Environment: COMPOSE_PROJECT_NAME (default newsflow), NEWSFLOW_HOST_DROP_DIR (default ./drop),
# NEWSFLOW_COMPOSE_ENGINE=docker|podman (default: docker if one answers), NEWSFLOW_COMPOSE_FILES
# (extra override files, colon-separated), NEWSFLOW_COMPOSE_ES_PORT (stand-in ES on the host, 19200),
# NEWSFLOW_COMPOSE_API_PORT (8000), NEWSFLOW_API_TOKENS (without it the api service is left out).
#
# Without Docker (these machines): installs podman + debootstrap + runc from Debian (idempotent),
# writes the two settings podman needs here into containers.conf (runc: crun refuses the hybrid
# cgroups; default ulimits within the shell's own, as there is no CAP_SYS_RESOURCE), serves the
# Docker API on unix:///run/podman/podman.sock, and runs health checks every 2 s (podman schedules
# them with systemd timers, and there is no systemd: without the loop `service_healthy` waits
# forever). Pid files under .runtime/compose/ say what this script started, so `down` stops that
# and nothing else (an engine that was already running is left running).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
STATE="$ROOT/.runtime/compose"
PODMAN_SOCK=/run/podman/podman.sock
CONTAINERS_CONF=/etc/containers/containers.conf
CONF_MARK="# written by newsflow scripts/compose.sh"
BASE_IMAGE=localhost/newsflow-standin-debian:bookworm
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-newsflow}"
export NEWSFLOW_HOST_DROP_DIR="${NEWSFLOW_HOST_DROP_DIR:-$ROOT/drop}"

say() { echo "compose.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

docker_answers() { command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1; }

engine() {
  case "${NEWSFLOW_COMPOSE_ENGINE:-}" in
    docker|podman) echo "$NEWSFLOW_COMPOSE_ENGINE"; return ;;
    "") ;;
    *) die "NEWSFLOW_COMPOSE_ENGINE must be docker or podman, not '$NEWSFLOW_COMPOSE_ENGINE'" ;;
  esac
  # A DOCKER_HOST pointing at our own podman socket is not "a real Docker engine".
  if [ "${DOCKER_HOST:-}" != "unix://$PODMAN_SOCK" ] && docker_answers; then echo docker; else echo podman; fi
}

compose_files() {
  local files=(-f docker-compose.yml)
  [ "$(engine)" = podman ] && files+=(-f compose/standins.yml)
  local extra
  IFS=':' read -r -a extra <<< "${NEWSFLOW_COMPOSE_FILES:-}"
  for f in "${extra[@]}"; do [ -n "$f" ] && files+=(-f "$f"); done
  printf '%s\n' "${files[@]}"
}

run_compose() {
  local files
  mapfile -t files < <(compose_files)
  if [ "$(engine)" = podman ]; then
    DOCKER_HOST="unix://$PODMAN_SOCK" docker-compose "${files[@]}" "$@"
  elif docker compose version >/dev/null 2>&1; then
    docker compose "${files[@]}" "$@"
  else
    docker-compose "${files[@]}" "$@"
  fi
}

run_docker() {
  if [ "$(engine)" = podman ]; then DOCKER_HOST="unix://$PODMAN_SOCK" docker "$@"; else docker "$@"; fi
}

# --- podman: install, configure, serve -------------------------------------------------------

install_podman() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v runc >/dev/null || missing+=(runc)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v docker >/dev/null || missing+=(docker.io)
  # Containers find each other by service name ("redis", "elasticsearch") only through this CNI
  # plugin: without it podman creates compose networks with DNS off, and every worker retries
  # "redis: Name or service not known" forever. apt installs it only as a recommendation, which
  # --no-install-recommends skips.
  [ -x /usr/lib/cni/dnsname ] || missing+=(golang-github-containernetworking-plugin-dnsname)
  if ((${#missing[@]})); then
    say "installing ${missing[*]} from Debian's packages"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

configure_podman() {
  if [ -f "$CONTAINERS_CONF" ] && ! grep -qF "$CONF_MARK" "$CONTAINERS_CONF"; then
    grep -q 'runtime *= *"runc"' "$CONTAINERS_CONF" && grep -q 'default_ulimits' "$CONTAINERS_CONF" && return 0
    die "$CONTAINERS_CONF exists and was not written here: add [engine] runtime = \"runc\" and [containers] default_ulimits = [\"nofile=10000:10000\", \"nproc=4096:4096\"] to it"
  fi
  local wanted
  wanted="$CONF_MARK
[containers]
default_ulimits = [\"nofile=10000:10000\", \"nproc=4096:4096\"]

[engine]
runtime = \"runc\"
"
  if [ "$(cat "$CONTAINERS_CONF" 2>/dev/null)" != "${wanted%$'\n'}" ]; then
    as_root mkdir -p "$(dirname "$CONTAINERS_CONF")"
    printf '%s' "$wanted" | as_root tee "$CONTAINERS_CONF" >/dev/null
  fi
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

socket_answers() { curl -fsS --max-time 5 --unix-socket "$PODMAN_SOCK" http://d/_ping >/dev/null 2>&1; }

start_service() {
  socket_answers && return 0
  mkdir -p "$STATE"
  as_root mkdir -p "$(dirname "$PODMAN_SOCK")"
  say "starting podman's Docker API on $PODMAN_SOCK"
  setsid podman system service --time=0 "unix://$PODMAN_SOCK" > "$STATE/podman-service.log" 2>&1 < /dev/null &
  echo $! > "$STATE/podman-service.pid"
  for _ in $(seq 1 100); do socket_answers && return 0; sleep 0.2; done
  die "podman system service did not answer on $PODMAN_SOCK (see $STATE/podman-service.log)"
}

# Health checks: containers still "starting" every 2 s (that gates start-up order); healthy or
# unhealthy ones every 10 s, about the images' own intervals, so a loop of podman calls does not
# take a core from the workers on a 2-core machine.
healthcheck_loop() {
  local tick=0 id status
  while true; do
    # Only containers with a health check show "(starting)", "(healthy)" or "(unhealthy)".
    while read -r id status; do
      case "$status" in
        *"(starting)"*) ;;
        *"(healthy)"*|*"(unhealthy)"*) (( tick % 5 == 0 )) || continue ;;
        *) continue ;;
      esac
      timeout 30 podman healthcheck run "$id" >/dev/null 2>&1 || true
    done < <(podman ps --format '{{.ID}} {{.Status}}' 2>/dev/null || true)
    tick=$((tick + 1))
    sleep 2
  done
}

start_healthchecks() {
  alive "$STATE/healthcheck.pid" && return 0
  mkdir -p "$STATE"
  setsid bash "$0" _healthcheck-loop > "$STATE/healthcheck.log" 2>&1 < /dev/null &
  echo $! > "$STATE/healthcheck.pid"
}

base_image() {
  podman image exists "$BASE_IMAGE" && return 0
  say "building the Debian 12 base image with debootstrap (about a minute)"
  local dir
  dir="$(mktemp -d /tmp/newsflow-debootstrap.XXXXXX)"
  as_root debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian > "$STATE/debootstrap.log" 2>&1 \
    || { as_root rm -rf "$dir"; die "debootstrap failed (see $STATE/debootstrap.log)"; }
  as_root rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  as_root tar -C "$dir" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
  as_root rm -rf "$dir"
}

# The stand-in images need the host's CA bundle (clients inside builds reach the package
# registries through the same TLS path as the host's pip). Copied into the build contexts, never committed.
ca_bundle() {
  local ca="${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}"
  local java_ca=/etc/ssl/certs/java/cacerts
  [ -f "$ca" ] || die "no CA bundle at $ca (set PIP_CERT)"
  [ -f "$java_ca" ] || die "no Java trust store at $java_ca (install ca-certificates-java)"
  cmp -s "$ca" compose/python/host-ca.crt || cp "$ca" compose/python/host-ca.crt
  cmp -s "$java_ca" compose/elasticsearch/host-java-cacerts || cp "$java_ca" compose/elasticsearch/host-java-cacerts
}

standin_bases() {
  ca_bundle
  # The Python base is FROM'd by the project's Dockerfile (BASE_IMAGE build arg), which compose
  # builds: it must exist first. podman build reuses its layer cache when nothing changed.
  podman build -q -t localhost/newsflow-standin-python:3.11-bookworm \
    --build-arg "DEBIAN_IMAGE=$BASE_IMAGE" compose/python >/dev/null
}

ensure_podman() {
  install_podman
  configure_podman
  mkdir -p "$STATE"
  base_image
  start_service
  start_healthchecks
}

# --- commands ---------------------------------------------------------------------------------

wait_healthy() {
  local deadline=$((SECONDS + ${NEWSFLOW_COMPOSE_WAIT_S:-600})) ids unhealthy waiting
  while true; do
    mapfile -t ids < <(run_compose ps -q 2>/dev/null)
    waiting=0; unhealthy=""
    for id in "${ids[@]}"; do
      [ -n "$id" ] || continue
      local st
      # podman reports an empty health status for a container without a health check.
      st="$(run_docker inspect -f '{{.State.Status}} {{if .State.Health}}{{or .State.Health.Status "none"}}{{else}}none{{end}} {{.Name}}' "$id" 2>/dev/null || echo "gone")"
      case "$st" in
        "running healthy "*|"running none "*) ;;
        "exited "*) case "$st" in *kibana-setup*) ;; *) unhealthy+=" ${st##* }(exited)"; waiting=1 ;; esac ;;
        *) waiting=1 ;;
      esac
    done
    ((waiting == 0 && ${#ids[@]} > 0)) && return 0
    ((SECONDS < deadline)) || { run_compose ps >&2 || true; die "not healthy in time:$unhealthy"; }
    sleep 2
  done
}

# Every service of the files, less Kibana where it has no stand-in, less the API without a token
# (it refuses to start without one, by design: no default token exists).
default_services() {
  local service
  [ -n "${NEWSFLOW_API_TOKENS:-}" ] || say "NEWSFLOW_API_TOKENS is not set: the api service is left out"
  while read -r service; do
    case "$service" in
      kibana|kibana-setup) [ "$(engine)" = podman ] && continue ;;
      api) [ -n "${NEWSFLOW_API_TOKENS:-}" ] || continue ;;
    esac
    echo "$service"
  done < <(run_compose config --services)
}

cmd_up() {
  local eng; eng="$(engine)"
  mkdir -p "$NEWSFLOW_HOST_DROP_DIR"
  local services=("$@")
  if [ "$eng" = podman ]; then
    ensure_podman
    standin_bases
    say "engine: podman (stand-in images; kibana and kibana-setup have no stand-in and are left out)"
  else
    say "engine: docker"
  fi
  ((${#services[@]})) || mapfile -t services < <(default_services)
  local started=$SECONDS
  # Every newsflow service shares one image (newsflow:latest): build it once, through one of
  # them, instead of once per service as `up --build` does; then the third-party stand-ins.
  local builds=(parser)  # the api, workers, watcher, sweeper and kibana-setup run the same image
  [ "$eng" = podman ] && builds+=(redis elasticsearch flower)
  run_compose build "${builds[@]}"
  run_compose up -d "${services[@]}"
  wait_healthy
  say "stack up and healthy in $((SECONDS - started)) s (project $COMPOSE_PROJECT_NAME, drop folder $NEWSFLOW_HOST_DROP_DIR)"
}

stop_pidfile() {
  local file="$1"
  if alive "$file"; then kill -TERM -- "-$(cat "$file")" 2>/dev/null || kill -TERM "$(cat "$file")" 2>/dev/null || true
    for _ in $(seq 1 50); do alive "$file" || break; sleep 0.2; done
    alive "$file" && kill -KILL -- "-$(cat "$file")" 2>/dev/null || true
  fi
  rm -f "$file"
}

cmd_down() {
  local eng; eng="$(engine)"
  if [ "$eng" = docker ] || socket_answers; then run_compose down "$@"; fi
  if [ "$eng" = podman ] && socket_answers; then
    # A container that podman's restart policy was restarting while compose listed the project
    # escapes `down` (seen under load): remove what still carries the project's label, then
    # let compose finish (network, volumes).
    local leftovers
    leftovers="$(podman ps -a -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")"
    if [ -n "$leftovers" ]; then
      say "removing containers that escaped down: $(echo $leftovers)"
      podman rm -f $leftovers >/dev/null
      run_compose down "$@"
    fi
  fi
  # Another stack (another project or worktree) may still run on the engine this script started:
  # then the engine stays up for it.
  if [ "$eng" = podman ] && { ! socket_answers || [ -z "$(podman ps -q)" ]; }; then
    stop_pidfile "$STATE/healthcheck.pid"
    stop_pidfile "$STATE/podman-service.pid"
  elif [ "$eng" = podman ]; then
    say "other containers still run on podman: its API service and health checks stay up"
  fi
}

cmd_info() {
  local files; mapfile -t files < <(compose_files)
  echo "engine=$(engine) project=$COMPOSE_PROJECT_NAME drop=$NEWSFLOW_HOST_DROP_DIR files=${files[*]}"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  compose) shift; [ "$(engine)" = docker ] || ensure_podman; run_compose "$@" ;;
  docker) shift; [ "$(engine)" = docker ] || ensure_podman; run_docker "$@" ;;
  engine) shift; [ "$(engine)" = docker ] || ensure_podman ;;
  info) cmd_info ;;
  _healthcheck-loop) healthcheck_loop ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
