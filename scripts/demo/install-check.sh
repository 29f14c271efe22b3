#!/usr/bin/env bash
# Makes sure node_modules is a complete install of package-lock.json before the demo runs.
#   scripts/demo/install-check.sh [REPO_DIR]
#
# - After every successful `npm ci` it writes the SHA-256 of package-lock.json to
#   node_modules/.srs-chatops-install-stamp. The stamp matching the lock file (and the entry points the demo needs
#   being there) means the install is complete: nothing else is checked, nothing runs.
# - No node_modules: `npm ci`.
# - A stamp of another lock file (package-lock.json changed since): `npm ci`.
# - node_modules without a stamp (an install from before the stamp, or an `npm ci` that was interrupted): checked
#   with npm's own record of a finished install (node_modules/.package-lock.json), `npm ls --all` and the entry
#   points; complete: stamped; broken: `npm ci` again.
# - node_modules is a symlink (shared with other checkouts): never reinstalled from here (`npm ci` would empty the
#   shared directory); a broken one is reported with the command to run where it lives.
# Exit 0 when the install is (now) complete; 1 with a message otherwise.
set -euo pipefail
repo="${1:-$PWD}"
cd "$repo"
stamp=node_modules/.srs-chatops-install-stamp
# What the demo loads first: tsx (its loader) and the bot's runtime dependencies.
entry_points=(
  node_modules/tsx/package.json
  node_modules/tsx/dist/loader.mjs
  node_modules/@slack/bolt/package.json
  node_modules/bullmq/package.json
  node_modules/ioredis/package.json
  node_modules/node-ssh/package.json
  node_modules/ssh2/package.json
  node_modules/pino/package.json
  node_modules/yaml/package.json
  node_modules/zod/package.json
)

say() { echo "demo: $*" >&2; }

lock_hash() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum package-lock.json | cut -d' ' -f1
  else node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync("package-lock.json")).digest("hex"))'
  fi
}

missing_entry() {
  local f
  for f in "${entry_points[@]}"; do
    [ -e "$f" ] || { echo "$f"; return 0; }
  done
  return 1
}

# Why the install is not complete (empty output: it is).
install_problem() {
  local missing
  if missing="$(missing_entry)"; then echo "$missing is missing"; return; fi
  [ -e node_modules/.package-lock.json ] || { echo "npm never finished an install here (no node_modules/.package-lock.json)"; return; }
  if ! npm ls --all >/dev/null 2>&1; then echo "\`npm ls --all\` finds missing or invalid packages"; return; fi
}

reinstall() {
  say "$1: installing the npm dependencies with \`npm ci\` (about a minute)..."
  if ! npm ci; then
    say "\`npm ci\` failed (see above). Fix the cause (network, disk space), then run \`npm run demo\` again: it will retry."
    exit 1
  fi
  local problem
  problem="$(install_problem)"
  if [ -n "$problem" ]; then
    say "node_modules is still not complete after \`npm ci\`: $problem"
    exit 1
  fi
  lock_hash >"$stamp"
  say "npm dependencies installed (stamp: $stamp)."
}

[ -f package-lock.json ] || { say "no package-lock.json in $repo"; exit 1; }
want="$(lock_hash)"

if [ ! -e node_modules ] && [ ! -L node_modules ]; then
  reinstall "no node_modules yet"
  exit 0
fi

if [ -L node_modules ]; then
  # Shared with other checkouts: check only; repairing is for whoever owns it.
  problem="$( [ -d node_modules ] && install_problem || echo "the symlink points nowhere")"
  if [ -n "$problem" ]; then
    target="$(readlink -f node_modules 2>/dev/null || readlink node_modules)"
    say "node_modules is a symlink to $target, and that install is incomplete: $problem."
    say "Repair it where it lives (cd $(dirname "$target") && npm ci), or replace the link with an install of this checkout (rm node_modules && npm ci)."
    exit 1
  fi
  exit 0
fi

if [ -f "$stamp" ]; then
  if [ "$(cat "$stamp")" = "$want" ]; then
    missing="$(missing_entry)" || exit 0
    reinstall "node_modules is damaged ($missing is missing)"
    exit 0
  fi
  reinstall "package-lock.json changed since the last \`npm ci\`"
  exit 0
fi

problem="$(install_problem)"
if [ -z "$problem" ]; then
  lock_hash >"$stamp"
  exit 0
fi
reinstall "node_modules is incomplete (an interrupted \`npm ci\`?): $problem"
