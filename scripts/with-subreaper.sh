#!/usr/bin/env bash
# Runs a command under test/support/reaper/subreaper.c (compiled on first use into .tmp/bin): a child subreaper that
# reaps exited daemons after SRS_CHATOPS_REAP_DELAY_MS (default 1000), as init does on a real host. The tests, the
# demo and the benches start SRS daemons; without a reaper above them (this machine's PID 1 reaps nothing) every
# exited SRS would stay a zombie for good, and SRS's init.d `start`, whose `ps -p` counts a zombie, would refuse.
#   scripts/with-subreaper.sh COMMAND [ARG...]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src="$here/test/support/reaper/subreaper.c"
bin="$here/.tmp/bin/subreaper"
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
  mkdir -p "$(dirname "$bin")"
  cc="$(command -v cc || command -v gcc || true)"
  [ -n "$cc" ] || { echo "with-subreaper: no C compiler (apt-get install build-essential)" >&2; exit 2; }
  "$cc" -O2 -Wall -Wextra -o "$bin.tmp" "$src" && mv "$bin.tmp" "$bin"
fi
exec "$bin" --delay-ms "${SRS_CHATOPS_REAP_DELAY_MS:-1000}" -- "$@"
