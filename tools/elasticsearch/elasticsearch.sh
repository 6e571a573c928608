#!/usr/bin/env bash
# A real single-node Elasticsearch 8 for local development and CI, without Docker.
#
#   elasticsearch.sh build
#       Resolves the server jars from Maven Central (cached in ~/.m2), compiles the launcher,
#       writes the runtime classpath to $ESNODE_TARGET/classpath.txt. Idempotent; when
#       nothing changed it returns at once without calling Maven.
#   elasticsearch.sh run --port 9200 --data-dir DIR --logs-dir DIR [--heap-mb 768]
#       Builds if needed, then replaces this shell with the node's JVM (so SIGTERM reaches it).
#       Binds 127.0.0.1 only, cluster name newsflow-local. Ctrl-C or SIGTERM stops it cleanly.
#
# Environment (optional): JAVA_HOME (Java 17+; /usr/bin/java otherwise), ESNODE_TARGET (build
# folder, default tools/elasticsearch/target), ESNODE_MAVEN_REPO (a Maven local repository other
# than ~/.m2/repository; measure_start.sh uses it for a cold start).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="${ESNODE_TARGET:-$HERE/target}"
CLASSPATH_FILE="$TARGET/classpath.txt"
STAMP_FILE="$TARGET/build.stamp"
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi

die() { echo "elasticsearch.sh: error: $*" >&2; exit 1; }

java_feature_version() {
  # "17.0.15" -> 17; prints nothing if java is missing.
  "$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p'
}

# What the build depends on: the pom, the sources, the Java release and the Maven repository.
build_fingerprint() {
  {
    cat "$HERE/pom.xml"
    find "$HERE/src" -type f -print0 | sort -z | xargs -0 sha256sum
    echo "java=$1 repo=${ESNODE_MAVEN_REPO:-default}"
  } | sha256sum | cut -d' ' -f1
}

# True when the last build is current and every jar it lists is still on disk.
build_is_current() {
  [[ -f "$STAMP_FILE" && -f "$CLASSPATH_FILE" && "$(cat "$STAMP_FILE")" == "$1" ]] || return 1
  local entry
  IFS=':' read -r -a entries < "$CLASSPATH_FILE"
  for entry in "${entries[@]}"; do [[ -e "$entry" ]] || return 1; done
}

cmd_build() {
  local java_version fingerprint
  java_version="$(java_feature_version)"
  [[ -n "$java_version" ]] || die "no Java found ($JAVA); install a JDK 17+ or set JAVA_HOME"
  (( java_version >= 17 )) || die "Java $java_version at $JAVA is too old; Elasticsearch 8 needs 17+"
  fingerprint="$(build_fingerprint "$java_version")"
  build_is_current "$fingerprint" && return 0

  command -v mvn >/dev/null || die "mvn not found; install Maven (apt-get install maven)"
  local maven_args=(-q -B "-Desnode.target=$TARGET" compile)
  [[ -n "${ESNODE_MAVEN_REPO:-}" ]] && maven_args=("-Dmaven.repo.local=$ESNODE_MAVEN_REPO" "${maven_args[@]}")
  echo "elasticsearch.sh: building the local Elasticsearch node with Maven (the first run downloads ~66 MB) ..." >&2
  mkdir -p "$TARGET"
  if ! mvn -f "$HERE/pom.xml" "${maven_args[@]}" > "$TARGET/maven.log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$TARGET/maven.log" >&2
    die "Maven build failed (output above, also in $TARGET/maven.log); the first build needs Maven Central"
  fi
  echo "$TARGET/classes:$(cat "$TARGET/dependencies.txt")" > "$CLASSPATH_FILE"
  echo "$fingerprint" > "$STAMP_FILE"
}

cmd_run() {
  local port=9200 data_dir="" logs_dir="" heap_mb=768
  while (( $# )); do
    case "$1" in
      --port) port="${2:?--port needs a value}"; shift 2 ;;
      --data-dir) data_dir="${2:?--data-dir needs a value}"; shift 2 ;;
      --logs-dir) logs_dir="${2:?--logs-dir needs a value}"; shift 2 ;;
      --heap-mb) heap_mb="${2:?--heap-mb needs a value}"; shift 2 ;;
      *) die "unknown run option '$1' (expected --port, --data-dir, --logs-dir, --heap-mb)" ;;
    esac
  done
  [[ -n "$data_dir" && -n "$logs_dir" ]] || die "run needs --data-dir DIR and --logs-dir DIR"
  [[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number, got '$port'"
  [[ "$heap_mb" =~ ^[0-9]+$ ]] || die "--heap-mb must be a number, got '$heap_mb'"

  cmd_build
  mkdir -p "$data_dir/tmp" "$logs_dir"
  data_dir="$(cd "$data_dir" && pwd)"
  logs_dir="$(cd "$logs_dir" && pwd)"

  # The system JVM options of Elasticsearch's own launcher (server-cli SystemJvmOptions) that
  # apply to a classpath node, plus the heap and a private temporary folder.
  local jvm_options=(
    "-Xms${heap_mb}m" "-Xmx${heap_mb}m" -XX:+UseG1GC -Xss1m
    -XX:-OmitStackTraceInFastThrow -Djava.awt.headless=true -Dfile.encoding=UTF-8
    -Djava.locale.providers=CLDR -Djna.nosys=true
    -Des.networkaddress.cache.ttl=60 -Des.networkaddress.cache.negative.ttl=10
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0
    -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true
    "-Djava.io.tmpdir=$data_dir/tmp"
  )
  (( $(java_feature_version) >= 21 )) && jvm_options+=(--enable-native-access=ALL-UNNAMED)
  exec "$JAVA" "${jvm_options[@]}" -cp "$(cat "$CLASSPATH_FILE")" io.newsflow.esnode.Launcher \
    --port "$port" --data-dir "$data_dir" --logs-dir "$logs_dir"
}

case "${1:-}" in
  build) shift; (( $# == 0 )) || die "build takes no options"; cmd_build ;;
  run) shift; cmd_run "$@" ;;
  *) echo "usage: $0 build | run --port PORT --data-dir DIR --logs-dir DIR [--heap-mb MB]" >&2; exit 2 ;;
esac
