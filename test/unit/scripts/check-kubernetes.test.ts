/**
 * scripts/check-kubernetes.ts on the real manifests (deploy/kubernetes: valid) and on broken copies, one fault each:
 * every one must be rejected with a message naming it. Runs the script as CI does (tsx, a real process).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const manifests = path.join(root, 'deploy', 'kubernetes');

function check(dirs: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-kubernetes.ts', ...dirs], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of deploy/kubernetes named `name` with `from` replaced by `to` in `file` (which must hold `from`: no silent no-op). */
function brokenCopy(base: string, name: string, file: string, from: string | RegExp, to: string): string {
  const dir = path.join(base, name);
  fs.cpSync(manifests, dir, { recursive: true, filter: (src) => path.basename(src) !== 'secrets' });
  const target = path.join(dir, file);
  const text = fs.readFileSync(target, 'utf8');
  const edited = text.replace(from, to);
  if (edited === text) throw new Error(`test setup: ${String(from)} not found in ${file}`);
  fs.writeFileSync(target, edited);
  return dir;
}

/** The problems reported for the copy `name` (and its overlay), from the check's stderr. */
function problemsOf(stderr: string, name: string): string {
  return stderr
    .split(/^check-kubernetes: /m)
    .filter((p) => p.startsWith(`${name}: `) || p.startsWith(`${name}/`))
    .join('');
}

describe('scripts/check-kubernetes.ts', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-broken-'));
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('accepts deploy/kubernetes, its base and its autoscaling overlay', () => {
    const r = check([manifests]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/kubernetes: 12 documents valid/);
    expect(r.stdout).toMatch(/kubernetes\/autoscaling: 13 documents valid .*HorizontalPodAutoscaler/);
    expect(r.stdout).toMatch(/kubernetes\/base: 12 documents valid/);
  });

  const broken: Array<[string, string, string | RegExp, string, RegExp]> = [
    [
      'a wrong field type (schema)',
      'base/bot.yaml',
      'replicas: 2',
      'replicas: two',
      /Deployment\/srs-chatops-bot: .*spec\/replicas must be integer/,
    ],
    ['a wrong nested type (schema)', 'base/network-policy.yaml', 'port: 6379', 'port: [6379]', /NetworkPolicy\/srs-chatops-bot: .*port/],
    [
      'a kind Kubernetes does not have',
      'base/bot-pdb.yaml',
      'kind: PodDisruptionBudget',
      'kind: PodDisruptionBuget',
      /kind PodDisruptionBuget does not exist in policy\/v1/,
    ],
    [
      'a missing readiness probe',
      'base/worker.yaml',
      /^ {10}readinessProbe:\n(?: {12,}.*\n)+/m,
      '',
      /srs-chatops-worker container worker: readinessProbe must be an httpGet of \/readyz/,
    ],
    [
      'a liveness probe on the wrong path',
      'base/bot.yaml',
      'path: /healthz',
      'path: /readyz',
      /container bot: livenessProbe must get \/healthz/,
    ],
    ['a root container', 'base/bot.yaml', '            runAsNonRoot: true\n', '            runAsUser: 0\n', /container bot: runs as root/],
    [
      'a pod user other than the Dockerfile',
      'base/worker.yaml',
      'runAsUser: 10001',
      'runAsUser: 1000',
      /runAsUser must be 10001, the Dockerfile's USER/,
    ],
    [
      'capabilities kept',
      'base/worker.yaml',
      'drop: ["ALL"]',
      'drop: ["NET_RAW"]',
      /container ssh-key: securityContext.capabilities.drop must include ALL/,
    ],
    [
      'a writable root filesystem',
      'base/bot.yaml',
      'readOnlyRootFilesystem: true',
      'readOnlyRootFilesystem: false',
      /readOnlyRootFilesystem must be true/,
    ],
    ['the `latest` tag', 'base/kustomization.yaml', 'newTag: 0.1.0', 'newTag: latest', /never `latest`/],
    ['one bot replica', 'base/bot.yaml', 'replicas: 2', 'replicas: 1', /srs-chatops-bot: replicas must be at least 2/],
    ['no PodDisruptionBudget', 'base/kustomization.yaml', '  - bot-pdb.yaml\n', '', /no PodDisruptionBudget selects its pods/],
    [
      'a Secret not in the render',
      'base/bot.yaml',
      'secretName: srs-chatops-known-hosts',
      'secretName: srs-chatops-known',
      /Secret srs-chatops-known is not in the render/,
    ],
    [
      'a short worker grace period',
      'base/worker.yaml',
      'terminationGracePeriodSeconds: 120',
      'terminationGracePeriodSeconds: 30',
      /terminationGracePeriodSeconds must be at least 90/,
    ],
    [
      'a config the app refuses',
      'base/config/srs-chatops.yml',
      'concurrency: 50',
      'concurrency: 0',
      /the mounted config is refused by the app: invalid configuration in \/etc\/srs-chatops\/srs-chatops.yml[^]*worker\.concurrency/,
    ],
    [
      'a config path nothing mounts',
      'base/config/srs-chatops.yml',
      '/etc/srs-chatops-ssh/known_hosts',
      '/etc/ssh/known_hosts',
      /ssh.knownHostsPath \/etc\/ssh\/known_hosts: nothing is mounted/,
    ],
    [
      'a base above its overlay (Kustomize: a cycle)',
      'autoscaling/kustomization.yaml',
      '  - ../base\n',
      '  - ..\n',
      /resource \.\. holds .*autoscaling, which names it .*cycle detected/,
    ],
    [
      'a pod without an egress policy',
      'base/network-policy.yaml',
      'policyTypes: [Ingress, Egress]',
      'policyTypes: [Ingress]',
      /Deployment\/srs-chatops-bot: no NetworkPolicy restricts its pods' egress/,
    ],
    [
      'an autoscaler of a missing Deployment',
      'autoscaling/worker-hpa.yaml',
      '    name: srs-chatops-worker',
      '    name: srs-chatops-workers',
      /scales Deployment\/srs-chatops-workers, which is not in the render/,
    ],
    [
      'a private key among the examples',
      'base/secrets.example/id_ed25519',
      'REPLACE-ME: not a key.',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nREPLACE-ME',
      /secrets.example\/id_ed25519 holds a private key/,
    ],
    [
      'a kustomization field the renderer does not know',
      'base/kustomization.yaml',
      'namespace: srs-chatops',
      'namespace: srs-chatops\npatches: []',
      /patches not understood/,
    ],
  ];

  // One run over every broken copy (a process per copy would cost ~3 s each); each copy is judged on its own lines.
  let run: { status: number | null; stderr: string } | undefined;
  const result = () => (run ??= check(broken.map(([, file, from, to], i) => brokenCopy(base, `broken-${i}`, file, from, to))));

  it.each(broken.map((b, i) => [...b, i] as const))(
    'rejects %s',
    (_what, _file, _from, _to, expected, i) => {
      expect(result().status).toBe(1);
      expect(problemsOf(result().stderr, `broken-${i}`)).toMatch(expected);
    },
    180_000,
  ); // the first case runs the check over every copy (~10 s on a quiet machine)
});
