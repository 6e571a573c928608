#!/bin/bash
# Start the Maven-assembled node the way the official image starts Elasticsearch: settings from
# environment variables named like settings (discovery.type=single-node, ...), the JVM options
# from ES_JAVA_OPTS, HTTP on every interface of the container (the image's network.host=0.0.0.0).
set -euo pipefail
home=/usr/share/elasticsearch
mkdir -p "$home/config" "$home/logs"

die() { echo "es-entrypoint: error: $*" >&2; exit 1; }

# The launcher fixes the cluster and node names, paths, the port, loopback transport and
# single-node discovery; settings it does not fix go through elasticsearch.yml.
{
  echo "# written at start by es-entrypoint.sh from the container's environment"
  echo "http.host: 0.0.0.0"
  while IFS= read -r -d '' entry; do
    key="${entry%%=*}" value="${entry#*=}"
    [[ "$key" =~ ^[a-z0-9_]+(\.[a-z0-9_]+)+$ ]] || continue
    case "$key=$value" in
      discovery.type=single-node) ;;  # what the launcher runs anyway
      discovery.type=*) die "this node runs discovery.type=single-node only, not '$value'" ;;
      xpack.security.enabled=false) ;;  # no x-pack here: security is off, as asked
      xpack.security.enabled=*) die "xpack.security.enabled=$value: the stand-in has no x-pack, so no security (compose/README.md)" ;;
      *) printf '%s: "%s"\n' "$key" "${value//\"/\\\"}" ;;
    esac
  done < /proc/self/environ
} > "$home/config/elasticsearch.yml"

# ES_JAVA_OPTS: the heap (-Xmx, else -Xms) becomes elasticsearch.sh's --heap-mb, which sets
# -Xms and -Xmx alike; every other option reaches the JVM through JDK_JAVA_OPTIONS.
heap_mb=768 rest=()
read -r -a opts <<< "${ES_JAVA_OPTS:-}"
for opt in "${opts[@]}"; do
  if [[ "$opt" =~ ^-Xm[sx]([0-9]+)([kKmMgG]?)$ ]]; then
    n="${BASH_REMATCH[1]}"
    case "${BASH_REMATCH[2]}" in g|G) n=$((n * 1024)) ;; k|K) n=$((n / 1024)) ;; "") n=$((n / 1048576)) ;; esac
    [[ "$opt" == -Xmx* || "$heap_mb" == 768 ]] && heap_mb="$n"
  else
    rest+=("$opt")
  fi
done
if ((${#rest[@]})); then export JDK_JAVA_OPTIONS="${rest[*]}"; fi

exec bash /opt/esnode/tools/elasticsearch.sh run --port 9200 --data-dir "$home" --logs-dir "$home/logs" --heap-mb "$heap_mb"
