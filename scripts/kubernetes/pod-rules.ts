/**
 * Our rules for every pod template: never root (the Dockerfile's user), a read-only root filesystem with /tmp
 * writable, no capabilities, no privilege escalation, seccomp RuntimeDefault, pinned images, memory requests and
 * limits, and probes on /healthz and /readyz on the ops port (METRICS_PORT, listening beyond loopback).
 */
import { dig, idOf, records, type K8sObject } from './k8s-object';
import { imageName } from './transformers';

type Rec = Record<string, unknown>;

/** Problems of one workload's pod template; `uid` is the Dockerfile's user. */
export function podProblems(o: K8sObject, uid: number): string[] {
  const pod = dig(o, 'spec', 'template', 'spec') as Rec | undefined;
  if (pod === undefined) return [`${idOf(o)}: no pod template`];
  const id = idOf(o);
  const problems: string[] = [];
  const psc = (pod.securityContext ?? {}) as Rec;
  if (psc.runAsNonRoot !== true) problems.push(`${id}: securityContext.runAsNonRoot must be true`);
  if (psc.runAsUser !== uid) problems.push(`${id}: securityContext.runAsUser must be ${uid}, the Dockerfile's USER`);
  const init = records(pod.initContainers);
  const main = records(pod.containers);
  for (const c of [...init, ...main]) problems.push(...containerProblems(`${id} container ${String(c.name)}`, c, psc));
  for (const c of main) problems.push(...probeProblems(`${id} container ${String(c.name)}`, c), ...tmpProblems(id, c, pod));
  return problems;
}

function containerProblems(where: string, c: Rec, psc: Rec): string[] {
  const problems: string[] = [];
  const sc = (c.securityContext ?? {}) as Rec;
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: securityContext.allowPrivilegeEscalation must be false`);
  if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: securityContext.readOnlyRootFilesystem must be true`);
  if (sc.privileged === true) problems.push(`${where}: must not be privileged`);
  if (sc.runAsNonRoot === false || (sc.runAsUser ?? psc.runAsUser) === 0) problems.push(`${where}: runs as root (runAsUser 0)`);
  const drop = dig(sc, 'capabilities', 'drop');
  if (!Array.isArray(drop) || !drop.includes('ALL')) problems.push(`${where}: securityContext.capabilities.drop must include ALL`);
  if (dig(sc, 'capabilities', 'add') !== undefined) problems.push(`${where}: must add no capability`);
  const seccomp = dig(sc, 'seccompProfile', 'type') ?? dig(psc, 'seccompProfile', 'type');
  if (seccomp !== 'RuntimeDefault') problems.push(`${where}: seccompProfile.type must be RuntimeDefault`);
  problems.push(...imageProblems(where, c.image), ...resourceProblems(where, c));
  return problems;
}

function imageProblems(where: string, image: unknown): string[] {
  if (typeof image !== 'string') return [`${where}: no image`];
  if (image.includes('@')) return [];
  const tag = image.slice(imageName(image).length + 1);
  if (tag === '') return [`${where}: image ${image} has no tag (that is \`latest\`): pin a release`];
  return tag === 'latest' ? [`${where}: image ${image}: never \`latest\`, pin a release`] : [];
}

function resourceProblems(where: string, c: Rec): string[] {
  const problems: string[] = [];
  if (dig(c, 'resources', 'requests', 'memory') === undefined) problems.push(`${where}: resources.requests.memory is required`);
  if (dig(c, 'resources', 'requests', 'cpu') === undefined) problems.push(`${where}: resources.requests.cpu is required`);
  if (dig(c, 'resources', 'limits', 'memory') === undefined) problems.push(`${where}: resources.limits.memory is required`);
  return problems;
}

/** Liveness on /healthz and readiness on /readyz, both on the port METRICS_PORT names, served beyond loopback. */
function probeProblems(where: string, c: Rec): string[] {
  const env = new Map(records(c.env).map((e) => [String(e.name), e.value]));
  const metricsPort = Number(env.get('METRICS_PORT'));
  const problems: string[] = [];
  if (!Number.isInteger(metricsPort)) problems.push(`${where}: set METRICS_PORT (the ops port the probes use)`);
  const host = env.get('METRICS_HOST');
  if (host !== '0.0.0.0' && host !== '::') problems.push(`${where}: METRICS_HOST must be 0.0.0.0 (the default, loopback, is unreachable)`);
  const ports = new Map(records(c.ports).map((p) => [String(p.name), p.containerPort]));
  for (const [probe, path] of [
    ['livenessProbe', '/healthz'],
    ['readinessProbe', '/readyz'],
  ] as const) {
    const get = dig(c, probe, 'httpGet') as Rec | undefined;
    if (get === undefined) {
      problems.push(`${where}: ${probe} must be an httpGet of ${path}`);
      continue;
    }
    if (get.path !== path) problems.push(`${where}: ${probe} must get ${path}, not ${String(get.path)}`);
    const port = typeof get.port === 'string' ? ports.get(get.port) : get.port;
    if (port !== metricsPort) problems.push(`${where}: ${probe} port ${String(get.port)} is not METRICS_PORT (${metricsPort})`);
  }
  return problems;
}

/** The root filesystem is read-only: /tmp must be a writable emptyDir. */
function tmpProblems(id: string, c: Rec, pod: Rec): string[] {
  const mount = records(c.volumeMounts).find((m) => m.mountPath === '/tmp');
  const volume = records(pod.volumes).find((v) => v.name === mount?.name);
  if (mount === undefined || mount.readOnly === true || volume?.emptyDir === undefined)
    return [`${id} container ${String(c.name)}: mount a writable emptyDir at /tmp (the root filesystem is read-only)`];
  return [];
}
