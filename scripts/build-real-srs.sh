#!/usr/bin/env bash
# Builds real SRS from the source tarballs beside the project (../shared/srs/src or SRS_SOURCE_DIR), outside the
# repository, in a cache folder keyed by each tarball's hash. Prints one line per build: `<name> <root>`, where root
# is the built trunk/ (a valid SRS install root: objs/srs, conf/, etc/init.d/srs).
#
# Builds: 6.0 (no sanitizer), 5.0 (no sanitizer), and 6.0 with AddressSanitizer (SRS's configure default on Debian),
# which the conformance suite uses for the `srs -t` exit-code quirk. A cached build is reused; a failed or
# interrupted one is rebuilt. Needs build-essential and libssl-dev (installed with apt when root and missing).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src="${SRS_SOURCE_DIR:-$here/../shared/srs/src}"
cache="${SRS_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/srs-chatops/real-srs}"
jobs="${SRS_BUILD_JOBS:-$(nproc)}"
[ -d "$src" ] || { echo "build-real-srs: no SRS source at $src (set SRS_SOURCE_DIR)" >&2; exit 2; }

need=()
command -v g++ >/dev/null || need+=(build-essential)
[ -f /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
# What SRS's configure checks for (auto/depends.sh).
for tool in perl patch unzip automake pkg-config; do command -v $tool >/dev/null || need+=($tool); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "build-real-srs: missing ${need[*]} (install them, or run as root)" >&2; exit 2
  fi
fi

flags=(--sys-ssl=on --ssl-1-0=off --rtc=off --srt=off --ffmpeg-fit=off --gb28181=off --utest=off "--jobs=$jobs")

# build NAME TARBALL SANITIZER(on|off)
build() {
  local name=$1 tarball=$2 sanitizer=$3
  local sum; sum=$(sha256sum "$tarball" | cut -c1-16)
  local dir="$cache/$name-$sum"
  local root; root=$(echo "$dir"/srs-*/trunk)
  if [ -f "$dir/.built" ] && [ -x "$root/objs/srs" ]; then echo "$name $root"; return; fi
  rm -rf "$dir"; mkdir -p "$dir"
  tar xzf "$tarball" -C "$dir"
  root=$(echo "$dir"/srs-*/trunk)
  local log="$dir/build.log"
  local san=(--sanitizer=off); [ "$sanitizer" = on ] && san=()
  local started=$SECONDS
  if ! (cd "$root" && ./configure "${flags[@]}" "${san[@]}" && make -j"$jobs") >"$log" 2>&1; then
    echo "build-real-srs: $name failed; last lines of $log:" >&2; tail -n 30 "$log" >&2; return 1
  fi
  echo "$((SECONDS - started))" >"$dir/.built"
  echo "$name $root"
}

v6="$src/srs-6.0.157.tar.gz"; v5="$src/srs-5.0.216.tar.gz"
mkdir -p "$cache"
# Two builds at a time on 2 cores is no faster than one after the other; the ASan one is only the compile flags.
build srs-6.0.157 "$v6" off
build srs-5.0.216 "$v5" off
build srs-6.0.157-asan "$v6" on
