#!/usr/bin/env bash
# npm pack's prepack: a clean build (no stale files in dist/ end up in the tarball), and the bin executable in it
# (tsc writes 0644; npm keeps the mode it finds).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npm run build
chmod 755 dist/src/cli/main.js
