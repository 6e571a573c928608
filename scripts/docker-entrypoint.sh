#!/bin/sh
# Entry point of the newsflow image: `newsflow ARGS` as uid 10001 (user newsflow).
#
# Every service runs as newsflow from the start (the image's USER), except the watcher, which
# compose starts as root for one thing: the drop folder is bound from the host, owned by a host
# user, and a uid of 10001 may neither create done/ and failed/ in it nor move files there.
# As root this grants uid 10001 rwx on the folder with an ACL (a default ACL too, so what it
# creates stays writable by the folder's owner), leaves the owner and mode as they are, and
# drops to newsflow before running anything. The raw store must be written by newsflow only:
# its blobs are private to their writer (0600) and the parser, as newsflow, reads them.
set -eu
if [ "$(id -u)" != 0 ]; then exec newsflow "$@"; fi

if [ "${1:-}" = watch ]; then
  drop="${2:-/data/drop}"
  mkdir -p "$drop"
  if ! setpriv --reuid=newsflow --regid=newsflow --init-groups test -w "$drop" -a -x "$drop"; then
    owner="$(stat -c %u "$drop")"
    if ! setfacl -m u:newsflow:rwx -m d:u:newsflow:rwx -m "d:u:$owner:rwx" "$drop"; then
      echo "newsflow: the drop folder $drop is not writable by uid 10001 and takes no ACL here;" \
           "make it writable for uid 10001 on the host (e.g. setfacl -m u:10001:rwx DIR)" >&2
      exit 1
    fi
  fi
fi
for volume in /data/raw; do  # a volume mounted over the image's folder may come up root-owned
  [ "$(stat -c %u "$volume")" = 10001 ] || chown newsflow:newsflow "$volume"
done
exec setpriv --reuid=newsflow --regid=newsflow --init-groups newsflow "$@"
