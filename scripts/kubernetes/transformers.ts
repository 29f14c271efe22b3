/** Kustomize's namespace, labels and images transformers, for the fields deploy/kubernetes uses. */
import { asRecord, dig, records, type K8sObject } from './k8s-object';

export interface LabelSpec {
  pairs?: unknown;
  includeTemplates?: unknown;
  includeSelectors?: unknown;
  [key: string]: unknown;
}

export interface ImageSpec {
  name?: unknown;
  newName?: unknown;
  newTag?: unknown;
  digest?: unknown;
  [key: string]: unknown;
}

/** Kinds without a namespace (the ones a deployment like ours could hold). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'StorageClass', 'PersistentVolume']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

export function applyNamespace(o: K8sObject, namespace: string, source: string): void {
  const metadata = (o.metadata ??= {});
  if (o.kind === 'Namespace') {
    if (metadata.name !== namespace) throw new Error(`${source}: Namespace ${metadata.name} differs from the kustomization's ${namespace}`);
    return;
  }
  if (!CLUSTER_SCOPED.has(String(o.kind))) metadata.namespace = namespace;
}

/** `labels` entries: pairs on every object's metadata, and on pod templates with includeTemplates. */
export function applyLabels(o: K8sObject, specs: readonly LabelSpec[], file: string): void {
  for (const spec of specs) {
    const extra = Object.keys(spec).filter((k) => !['pairs', 'includeTemplates', 'includeSelectors'].includes(k));
    if (extra.length > 0) throw new Error(`${file}: labels: ${extra.join(', ')} not understood`);
    if (spec.includeSelectors === true) throw new Error(`${file}: labels.includeSelectors is not supported (selectors are immutable)`);
    const pairs = asRecord(spec.pairs, `${file}: labels.pairs`);
    for (const [k, v] of Object.entries(pairs)) if (typeof v !== 'string') throw new Error(`${file}: label ${k} must be a string`);
    const metadata = (o.metadata ??= {});
    metadata.labels = { ...metadata.labels, ...(pairs as Record<string, string>) };
    if (spec.includeTemplates === true && WORKLOADS.has(String(o.kind))) {
      const template = asRecord(dig(o, 'spec', 'template') ?? {}, `${String(o.kind)} spec.template`);
      const tmeta = asRecord((template.metadata ??= {}), 'spec.template.metadata');
      tmeta.labels = { ...(tmeta.labels as Record<string, string> | undefined), ...(pairs as Record<string, string>) };
    }
  }
}

/** `images` entries: a container image named `name` gets `newName`, `newTag` or `digest`. */
export function applyImages(o: K8sObject, specs: readonly ImageSpec[], file: string): void {
  if (!WORKLOADS.has(String(o.kind))) return;
  const pod = dig(o, 'spec', 'template', 'spec');
  const containers = [...records(dig(pod, 'initContainers')), ...records(dig(pod, 'containers'))];
  for (const spec of specs) {
    const extra = Object.keys(spec).filter((k) => !['name', 'newName', 'newTag', 'digest'].includes(k));
    if (extra.length > 0 || typeof spec.name !== 'string')
      throw new Error(`${file}: images: each needs a name; ${extra.join(', ')} not understood`);
    for (const c of containers) {
      if (typeof c.image !== 'string' || imageName(c.image) !== spec.name) continue;
      const name = typeof spec.newName === 'string' ? spec.newName : spec.name;
      if (typeof spec.digest === 'string') c.image = `${name}@${spec.digest}`;
      else if (typeof spec.newTag === 'string' || typeof spec.newTag === 'number') c.image = `${name}:${spec.newTag}`;
      else if (spec.newTag !== undefined) throw new Error(`${file}: images: newTag must be a string`);
      else c.image = name + c.image.slice(imageName(c.image).length);
    }
  }
}

/** The image without its tag or digest: `reg:5000/a/b:1.2` → `reg:5000/a/b`. */
export function imageName(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}
