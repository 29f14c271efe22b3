#!/usr/bin/env bash
# The bot on a local demo fleet (see scripts/demo.ts). Makes sure the npm dependencies are installed and complete
# first (scripts/demo/install-check.sh: an interrupted `npm ci` is noticed and repaired).
#   npm run demo [-- --fleet-only] [-- --config my-demo.yml]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/demo/install-check.sh "$PWD"
# Under the subreaper: exited SRS daemons are reaped as init does on a real host (scripts/with-subreaper.sh).
# `node --import tsx`, not the tsx command: one node process, which gets the signals the subreaper forwards.
exec bash scripts/with-subreaper.sh node --import tsx scripts/demo.ts "$@"
