#!/usr/bin/env bash
# The bot on a local demo fleet (see scripts/demo.ts). Installs npm dependencies on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
# Under the subreaper: exited SRS daemons are reaped as init does on a real host (scripts/with-subreaper.sh).
exec bash scripts/with-subreaper.sh node node_modules/tsx/dist/cli.mjs scripts/demo.ts "$@"
