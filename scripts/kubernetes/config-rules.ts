/**
 * The config the pods mount is one the app accepts, and its paths are where the pods mount things: SRS_CHATOPS_CONFIG
 * in a mounted ConfigMap (loaded with the app's own loader, its inventory beside it), ssh.knownHostsPath in the bot
 * and the workers, ssh.privateKeyPath in the workers, audit.file (when set) in a writable folder of both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigFrom } from '../../config/load-config';
import { parseYamlText } from '../../config/parse-yaml';
import type { Config } from '../../config/schema';
import { dig, idOf, records, type K8sObject } from './k8s-object';

type Rec = Record<string, unknown>;

interface AppContainer {
  id: string;
  role: 'bot' | 'worker';
  container: Rec;
  pod: Rec;
  owner: K8sObject;
}

/** The containers running `srs-chatops bot` or `srs-chatops worker`. */
function appContainers(objects: readonly K8sObject[]): AppContainer[] {
  return objects.flatMap((owner) => {
    const pod = dig(owner, 'spec', 'template', 'spec') as Rec | undefined;
    return records(pod?.containers).flatMap((container) => {
      const role: unknown = Array.isArray(container.args) ? container.args[0] : undefined;
      if (pod === undefined || (role !== 'bot' && role !== 'worker')) return [];
      return [{ id: `${idOf(owner)} container ${String(container.name)}`, role, container, pod, owner }];
    });
  });
}

/** The volume mounted at `dir` in the container, with the ConfigMap or Secret behind it. */
function mountAt(c: AppContainer, dir: string, objects: readonly K8sObject[]): { mount: Rec; volume: Rec; data?: Rec } | undefined {
  const mount = records(c.container.volumeMounts).find((m) => m.mountPath === dir);
  const volume = records(c.pod.volumes).find((v) => v.name === mount?.name);
  if (mount === undefined || volume === undefined) return undefined;
  const ns = c.owner.metadata?.namespace;
  const [kind, name] = volume.configMap ? ['ConfigMap', dig(volume, 'configMap', 'name')] : ['Secret', dig(volume, 'secret', 'secretName')];
  const source = objects.find((o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === ns);
  return { mount, volume, ...(source ? { data: (source.data ?? {}) as Rec } : {}) };
}

/** Problems of a file path the app reads (or, `writable`, writes) in the container. */
function pathProblems(c: AppContainer, file: string, what: string, objects: readonly K8sObject[], writable = false): string[] {
  const at = mountAt(c, path.dirname(file), objects);
  if (at === undefined) return [`${c.id}: ${what} ${file}: nothing is mounted at ${path.dirname(file)}`];
  if (writable && (at.mount.readOnly === true || at.volume.configMap || at.volume.secret))
    return [`${c.id}: ${what} ${file}: ${path.dirname(file)} must be writable (an emptyDir or a volume)`];
  if (at.data !== undefined && !(path.basename(file) in at.data))
    return [`${c.id}: ${what} ${file}: the volume at ${path.dirname(file)} has no key ${path.basename(file)}`];
  return [];
}

/** Loads the mounted config (and its inventory) from the rendered ConfigMap with the app's loader. */
function loadMounted(c: AppContainer, file: string, objects: readonly K8sObject[]): Config | string {
  const at = mountAt(c, path.dirname(file), objects);
  if (at?.data === undefined) return `${c.id}: SRS_CHATOPS_CONFIG ${file}: no ConfigMap is mounted at ${path.dirname(file)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-k8s-'));
  try {
    for (const [key, value] of Object.entries(at.data)) fs.writeFileSync(path.join(dir, key), String(value));
    const local = path.join(dir, path.basename(file));
    if (!fs.existsSync(local)) return `${c.id}: SRS_CHATOPS_CONFIG ${file}: the ConfigMap has no key ${path.basename(file)}`;
    // Messages name the file as the pod sees it; the inventory is read beside the copy.
    return loadConfigFrom(parseYamlText(fs.readFileSync(local, 'utf8'), file), file, dir).config;
  } catch (err) {
    return `${c.id}: the mounted config is refused by the app: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function configProblems(objects: readonly K8sObject[]): string[] {
  const containers = appContainers(objects);
  const problems: string[] = [];
  for (const role of ['bot', 'worker'] as const)
    if (!containers.some((c) => c.role === role)) problems.push(`no container runs \`srs-chatops ${role}\` (args: ["${role}"])`);
  for (const c of containers) {
    const file = records(c.container.env).find((e) => e.name === 'SRS_CHATOPS_CONFIG')?.value;
    if (typeof file !== 'string') {
      problems.push(`${c.id}: set SRS_CHATOPS_CONFIG to the mounted config`);
      continue;
    }
    const config = loadMounted(c, file, objects);
    if (typeof config === 'string') {
      problems.push(config);
      continue;
    }
    problems.push(...pathProblems(c, config.ssh.knownHostsPath, 'ssh.knownHostsPath', objects));
    if (c.role === 'worker') {
      const keys = [config.ssh.privateKeyPath, ...config.ssh.privateKeys.map((k) => k.path)].filter((k): k is string => k !== undefined);
      for (const key of keys) problems.push(...pathProblems(c, key, 'SSH private key', objects));
    }
    if (config.audit.file !== undefined) problems.push(...pathProblems(c, config.audit.file, 'audit.file', objects, true));
  }
  return problems;
}
