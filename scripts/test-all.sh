#!/usr/bin/env bash
# `npm test`: type check, lint, then every test (unit + integration on real redis-server, sshd and the SRS simulator).
# The integration setup starts Redis and the sshd fleet once for the whole run (installing them with apt when root).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
rm -rf .tmp/faults
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== lint"; npm run --silent lint
echo "== tests"
status=0
bash scripts/with-subreaper.sh npx jest --selectProjects unit integration --json --outputFile=.tmp/jest-results.json "$@" || status=$?
if [ $status -eq 0 ]; then echo "== fault report"; npx tsx scripts/fault-report.ts || status=$?; fi
# The closing line: 'N passed, N failed' alone on a line.
node -e '
  const r = require("./.tmp/jest-results.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit $status
