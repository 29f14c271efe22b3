/**
 * `npx tsx scripts/check-kubernetes.ts [dir...]` (default deploy/kubernetes): renders every kustomization in `dir` (its
 * own and each subfolder's, e.g. autoscaling/) as `kubectl apply -k` would, validates every document against the
 * Kubernetes schemas (kubernetes-models) and checks our rules (scripts/kubernetes/*-rules.ts). The Secrets render from
 * each folder's secrets.example/ (a copy of `dir` is used, so your own secrets/ is never read). Exits 1 listing every problem.
 * scripts/check-deploy.sh runs it in CI; test/unit/scripts/check-kubernetes.test.ts proves it rejects broken copies.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KUSTOMIZATION_FILE, renderKustomization } from './kubernetes/render-kustomization';
import { schemaProblems } from './kubernetes/validate-schemas';
import { podProblems } from './kubernetes/pod-rules';
import { deploymentProblems } from './kubernetes/deployment-rules';
import { configProblems } from './kubernetes/config-rules';
import { clusterProblems } from './kubernetes/cluster-rules';
import { exampleSecretProblems } from './kubernetes/example-secrets';

const root = path.join(__dirname, '..');

/** The Dockerfile's USER, numeric and not root: the uid the pods must run as. */
function dockerfileUid(): number {
  const users = [...fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8').matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1] ?? '');
  const uid = Number((users.at(-1) ?? '').split(':')[0]);
  if (!Number.isInteger(uid) || uid === 0)
    throw new Error('Dockerfile: the last USER must be a numeric, non-root uid (e.g. USER 10001:10001)');
  return uid;
}

/** The kustomization folders under `dir`: itself and its subfolders holding a kustomization.yaml. */
function kustomizations(dir: string): string[] {
  const subs = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, KUSTOMIZATION_FILE)));
  return [dir, ...subs.map((e) => path.join(dir, e.name))];
}

async function checkOne(dir: string, label: string, uid: number): Promise<string[]> {
  const rendered = renderKustomization(dir);
  const objects = rendered.map((r) => r.object);
  const problems: string[] = [];
  for (const o of objects) problems.push(...(await schemaProblems(o)));
  for (const o of objects)
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'DaemonSet') problems.push(...podProblems(o, uid));
  problems.push(...deploymentProblems(objects), ...clusterProblems(objects), ...configProblems(objects));
  if (problems.length === 0)
    console.log(`check-kubernetes: ${label}: ${objects.length} documents valid (${objects.map((o) => String(o.kind)).join(', ')})`);
  return problems.map((p) => `${label}: ${p}`);
}

/** Checks each of `dirs` (a copy of it, its Secrets from secrets.example/); problems are labelled by folder name. */
async function main(dirs: string[]): Promise<number> {
  const uid = dockerfileUid();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'check-kubernetes-'));
  try {
    const problems: string[] = [];
    for (const dir of dirs) {
      const copy = path.join(work, path.basename(dir));
      if (fs.existsSync(copy)) throw new Error(`${dir}: two folders named ${path.basename(dir)}: give each its own name`);
      fs.cpSync(dir, copy, { recursive: true, filter: (src) => path.basename(src) !== 'secrets' });
      for (const k of kustomizations(copy)) {
        const examples = path.join(k, 'secrets.example');
        if (!fs.existsSync(examples)) continue;
        fs.cpSync(examples, path.join(k, 'secrets'), { recursive: true });
        problems.push(...exampleSecretProblems(examples).map((p) => `${path.relative(work, k)}: ${p}`));
      }
      for (const k of kustomizations(copy)) {
        const label = path.relative(work, k);
        problems.push(
          ...(await checkOne(k, label, uid).catch((err: unknown) => [`${label}: ${err instanceof Error ? err.message : String(err)}`])),
        );
      }
    }
    for (const p of problems) console.error(`check-kubernetes: ${p}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
main(args.length > 0 ? args.map((a) => path.resolve(a)) : [path.join(root, 'deploy', 'kubernetes')]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`check-kubernetes: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
