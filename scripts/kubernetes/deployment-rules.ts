/**
 * Our rules across the rendered set: the bot runs 2+ replicas under a PodDisruptionBudget, the workers have time to
 * finish their jobs on SIGTERM, and every Secret and ConfigMap (and key) a pod references is in the render.
 */
import { dig, idOf, records, type K8sObject } from './k8s-object';

type Rec = Record<string, unknown>;

export const BOT = 'srs-chatops-bot';
export const WORKER = 'srs-chatops-worker';
/** The systemd unit's TimeoutStopSec (deploy/systemd): what a worker gets to finish its active jobs. */
export const WORKER_MIN_GRACE_S = 90;

const find = (objects: readonly K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name);

export function deploymentProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const bot = find(objects, 'Deployment', BOT);
  const worker = find(objects, 'Deployment', WORKER);
  if (bot === undefined) problems.push(`Deployment/${BOT} is missing`);
  if (worker === undefined) problems.push(`Deployment/${WORKER} is missing`);
  if (bot !== undefined) problems.push(...botProblems(bot, objects));
  const grace = dig(worker, 'spec', 'template', 'spec', 'terminationGracePeriodSeconds');
  if (worker !== undefined && (typeof grace !== 'number' || grace < WORKER_MIN_GRACE_S))
    problems.push(`${idOf(worker)}: terminationGracePeriodSeconds must be at least ${WORKER_MIN_GRACE_S} (finish active jobs on SIGTERM)`);
  for (const o of objects) if (dig(o, 'spec', 'template', 'spec') !== undefined) problems.push(...referenceProblems(o, objects));
  return problems;
}

function botProblems(bot: K8sObject, objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const replicas = dig(bot, 'spec', 'replicas');
  if (typeof replicas !== 'number' || replicas < 2) problems.push(`${idOf(bot)}: replicas must be at least 2 (got ${String(replicas)})`);
  const labels = (dig(bot, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<string, string>;
  const pdb = objects.find((o) => {
    if (o.kind !== 'PodDisruptionBudget' || o.metadata?.namespace !== bot.metadata?.namespace) return false;
    const match = (dig(o, 'spec', 'selector', 'matchLabels') ?? {}) as Record<string, string>;
    return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => labels[k] === v);
  });
  if (pdb === undefined) return [...problems, `${idOf(bot)}: no PodDisruptionBudget selects its pods`];
  const min = dig(pdb, 'spec', 'minAvailable');
  const maxUnavailable = dig(pdb, 'spec', 'maxUnavailable');
  if (!(typeof min === 'number' && min >= 1 && typeof replicas === 'number' && min < replicas) && maxUnavailable === undefined)
    problems.push(`${idOf(pdb)}: minAvailable must be at least 1 and below the bot's replicas (or set maxUnavailable)`);
  return problems;
}

/** Secrets and ConfigMaps a pod names (volumes, envFrom, env valueFrom), with the keys it names in them. */
function referencesOf(pod: Rec): Array<{ kind: 'Secret' | 'ConfigMap'; name: string; key?: string; optional: boolean }> {
  const out: Array<{ kind: 'Secret' | 'ConfigMap'; name: string; key?: string; optional: boolean }> = [];
  const add = (kind: 'Secret' | 'ConfigMap', name: unknown, optional: unknown, keys: unknown[] = [undefined]) => {
    for (const key of keys)
      out.push({
        kind,
        name: typeof name === 'string' ? name : JSON.stringify(name),
        optional: optional === true,
        ...(key === undefined ? {} : { key: typeof key === 'string' ? key : JSON.stringify(key) }),
      });
  };
  const itemKeys = (items: unknown) => (Array.isArray(items) ? records(items).map((i) => i.key) : undefined);
  for (const v of records(pod.volumes)) {
    const s = v.secret as Rec | undefined;
    const c = v.configMap as Rec | undefined;
    if (s) add('Secret', s.secretName, s.optional, itemKeys(s.items));
    if (c) add('ConfigMap', c.name, c.optional, itemKeys(c.items));
  }
  for (const c of [...records(pod.initContainers), ...records(pod.containers)]) {
    for (const e of records(c.envFrom)) {
      if (e.secretRef) add('Secret', dig(e, 'secretRef', 'name'), dig(e, 'secretRef', 'optional'));
      if (e.configMapRef) add('ConfigMap', dig(e, 'configMapRef', 'name'), dig(e, 'configMapRef', 'optional'));
    }
    for (const e of records(c.env)) {
      const s = dig(e, 'valueFrom', 'secretKeyRef') as Rec | undefined;
      const m = dig(e, 'valueFrom', 'configMapKeyRef') as Rec | undefined;
      if (s) add('Secret', s.name, s.optional, [s.key]);
      if (m) add('ConfigMap', m.name, m.optional, [m.key]);
    }
  }
  return out;
}

function referenceProblems(o: K8sObject, objects: readonly K8sObject[]): string[] {
  const pod = dig(o, 'spec', 'template', 'spec') as Rec;
  return referencesOf(pod).flatMap((ref) => {
    const target = objects.find(
      (t) => t.kind === ref.kind && t.metadata?.name === ref.name && t.metadata?.namespace === o.metadata?.namespace,
    );
    if (target === undefined)
      return ref.optional ? [] : [`${idOf(o)}: ${ref.kind} ${ref.name} is not in the render (namespace ${String(o.metadata?.namespace)})`];
    const data = { ...(target.data as Rec | undefined), ...(target.stringData as Rec | undefined) };
    if (ref.key !== undefined && !(ref.key in data)) return [`${idOf(o)}: ${ref.kind} ${ref.name} has no key ${ref.key}`];
    return [];
  });
}
