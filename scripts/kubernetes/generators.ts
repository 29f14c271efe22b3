/** Kustomize's configMapGenerator and secretGenerator, for `files`, `envs`, `literals` and (Secrets) `type`. */
import path from 'node:path';
import type { K8sObject } from './k8s-object';

export interface GeneratorSpec {
  name?: unknown;
  files?: unknown;
  envs?: unknown;
  literals?: unknown;
  type?: unknown;
  [key: string]: unknown;
}

const FIELDS = { ConfigMap: ['name', 'files', 'envs', 'literals'], Secret: ['name', 'files', 'envs', 'literals', 'type'] };
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The ConfigMap or Secret a generator entry makes; `read` reads a file named in it (relative to the kustomization). */
export function generate(kind: 'ConfigMap' | 'Secret', spec: GeneratorSpec, read: (file: string) => Buffer): K8sObject {
  const where = `${kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator'} ${String(spec.name)}`;
  const unknown = Object.keys(spec).filter((key) => !FIELDS[kind].includes(key));
  if (unknown.length > 0) throw new Error(`${where}: ${unknown.join(', ')} not understood (supported: ${FIELDS[kind].join(', ')})`);
  if (typeof spec.name !== 'string' || spec.name === '') throw new Error(`${where}: name is required`);
  const data = new Map<string, Buffer>();
  const put = (key: string, value: Buffer) => {
    if (data.has(key)) throw new Error(`${where}: key ${key} given twice`);
    data.set(key, value);
  };
  for (const entry of strings(spec.files, `${where}: files`)) {
    const i = entry.indexOf('=');
    const [key, file] = i > 0 ? [entry.slice(0, i), entry.slice(i + 1)] : [path.basename(entry), entry];
    put(key, read(file));
  }
  for (const file of strings(spec.envs, `${where}: envs`)) for (const [k, v] of envLines(read(file).toString('utf8'), file)) put(k, v);
  for (const literal of strings(spec.literals, `${where}: literals`)) for (const [k, v] of envLines(literal, 'literal')) put(k, v);
  const metadata = { name: spec.name };
  if (kind === 'ConfigMap')
    return { apiVersion: 'v1', kind, metadata, data: Object.fromEntries([...data].map(([k, v]) => [k, v.toString('utf8')])) };
  const type = spec.type ?? 'Opaque';
  return { apiVersion: 'v1', kind, metadata, type, data: Object.fromEntries([...data].map(([k, v]) => [k, v.toString('base64')])) };
}

/** KEY=value lines (`#` comments and blank lines skipped), as Kustomize reads an env file. */
function envLines(text: string, file: string): Array<[string, Buffer]> {
  return text.split('\n').flatMap((raw, n): Array<[string, Buffer]> => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) return [];
    const i = line.indexOf('=');
    const key = i > 0 ? line.slice(0, i) : '';
    if (!ENV_KEY.test(key)) throw new Error(`${file}:${n + 1}: expected KEY=value (the line is not shown: it may hold a secret)`);
    return [[key, Buffer.from(line.slice(i + 1), 'utf8')]];
  });
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new Error(`${where} must be a list of strings`);
  return value as string[];
}
