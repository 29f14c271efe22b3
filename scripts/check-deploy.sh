#!/usr/bin/env bash
# Validates the deployment files without a container engine or a running systemd (CI runs it; .ci/run installs
# docker-compose and systemd): `docker-compose config` on docker-compose.yml, `systemd-analyze verify` and an
# exposure of at most 3.0 of 10 (`systemd-analyze security --offline`) on the units. The YAML structure (services, mounts,
# healthchecks), the Slack manifest and the units' keys are also checked by test/unit/repo/deploy-files.test.ts.
# The Kubernetes manifests (deploy/kubernetes): rendered as `kubectl apply -k` would and validated against the
# Kubernetes schemas and our rules by scripts/check-kubernetes.ts (needs `npm ci`; no cluster, no kubectl).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v systemd-analyze >/dev/null || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
  echo "check-deploy: needs ${missing[*]}: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== docker-compose config"
cp docker-compose.yml "$work/"
cp .env.example "$work/.env"            # env_file must exist; the values are not read by `config`
(cd "$work" && docker-compose config -q)
services=$(cd "$work" && docker-compose config --services | sort | tr '\n' ' ')
[ "$services" = "bot redis worker " ] || { echo "unexpected services: $services" >&2; exit 1; }

echo "== systemd-analyze verify"
cp deploy/systemd/srs-chatops-bot.service "$work/"
cp deploy/systemd/srs-chatops-worker@.service "$work/srs-chatops-worker@9465.service"
# ExecStart names /usr/bin/node (Debian's and NodeSource's path); verify wants it to exist on this machine.
node_bin=$(command -v node)
sed -i "s#/usr/bin/node #${node_bin} #" "$work"/*.service
for unit in "$work/srs-chatops-bot.service" "$work/srs-chatops-worker@9465.service"; do
  out=$(systemd-analyze verify "$unit" 2>&1) || { echo "$out" >&2; exit 1; }
  # verify exits 0 on unknown keys (it only warns): treat any output about our unit as a failure.
  if grep -q "$(basename "$unit")" <<<"$out"; then echo "$out" >&2; exit 1; fi
  systemd-analyze security --offline=yes --threshold=30 "$unit" >/dev/null || { systemd-analyze security --offline=yes "$unit" | tail -5 >&2; exit 1; }
done

echo "== kubernetes manifests"
npx --no-install tsx scripts/check-kubernetes.ts
echo "check-deploy: docker-compose.yml, the systemd units and the Kubernetes manifests are valid"
