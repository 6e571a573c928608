#!/bin/sh
# The official image turns protected mode off (the container network is the boundary); without a
# config file Debian's redis-server keeps it on and refuses every client but loopback.
set -e
if [ "${1:-}" = redis-server ]; then
  case " $* " in *protected-mode*) ;; *) set -- "$@" --protected-mode no ;; esac
fi
exec "$@"
