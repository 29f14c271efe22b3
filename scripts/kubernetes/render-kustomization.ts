/**
 * Renders a kustomization directory the way `kubectl apply -k` (Kustomize) would, for the small subset
 * deploy/kubernetes uses: `resources` (YAML files, or directories holding a kustomization.yaml), `namespace`,
 * `labels` (pairs, includeTemplates; not includeSelectors), `images` (newName, newTag, digest), `configMapGenerator`
 * and `secretGenerator` (files, envs, literals, type), `generatorOptions.disableNameSuffixHash: true`. Any other field
 * is refused with its name: a renderer that skipped one would validate something Kustomize never produces.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { generate, type GeneratorSpec } from './generators';
import { applyImages, applyLabels, applyNamespace, type ImageSpec, type LabelSpec } from './transformers';
import { asRecord, type K8sObject } from './k8s-object';

export const KUSTOMIZATION_FILE = 'kustomization.yaml';

const KNOWN_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'labels',
  'resources',
  'images',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);

/** A rendered document, with the file it came from (for messages). */
export interface Rendered {
  object: K8sObject;
  source: string;
}

/** Parses YAML as kubectl does (YAML 1.1: `0440` is octal), one object per document; throws on a syntax error. */
export function parseManifests(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text, { version: '1.1' }).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return [];
    return [asRecord(value, source)];
  });
}

/** Renders the kustomization in `dir` (and the bases it names) into its documents. */
export function renderKustomization(dir: string, seen: readonly string[] = []): Rendered[] {
  const root = path.resolve(dir);
  if (seen.includes(root)) throw new Error(`${root}: a kustomization cycle (${[...seen, root].join(' -> ')})`);
  const file = path.join(root, KUSTOMIZATION_FILE);
  if (!fs.existsSync(file)) throw new Error(`${root}: no ${KUSTOMIZATION_FILE}`);
  const [k] = parseManifests(fs.readFileSync(file, 'utf8'), file);
  if (k === undefined) throw new Error(`${file}: empty`);
  const unknown = Object.keys(k).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0)
    throw new Error(
      `${file}: ${unknown.join(', ')} not understood by scripts/check-kubernetes.ts (supported: ${[...KNOWN_FIELDS].join(', ')})`,
    );
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization')
    throw new Error(`${file}: expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization`);
  const out: Rendered[] = [];
  for (const entry of listOf<string>(k.resources, 'resources', file)) out.push(...renderResource(root, entry, file, [...seen, root]));
  out.push(...generated(root, k, file));
  const namespace = k.namespace;
  if (namespace !== undefined && typeof namespace !== 'string') throw new Error(`${file}: namespace must be a string`);
  for (const r of out) {
    if (namespace !== undefined) applyNamespace(r.object, namespace, r.source);
    applyLabels(r.object, listOf<LabelSpec>(k.labels, 'labels', file), file);
    applyImages(r.object, listOf<ImageSpec>(k.images, 'images', file), file);
  }
  refuseDuplicates(out);
  return out;
}

function renderResource(root: string, entry: string, file: string, seen: string[]): Rendered[] {
  if (/^[a-z]+:\/\//.test(entry)) throw new Error(`${file}: remote resource ${entry} is not supported`);
  const target = path.resolve(root, entry);
  if (!fs.existsSync(target)) throw new Error(`${file}: resource ${entry} does not exist`);
  if (fs.statSync(target).isDirectory()) {
    // Kustomize's cycle check: a base may not be (or hold) a kustomization already on the way here, e.g. `..`.
    const above = seen.find((visited) => visited === target || visited.startsWith(target + path.sep));
    if (above !== undefined)
      throw new Error(`${file}: resource ${entry} holds ${above}, which names it (Kustomize refuses it: cycle detected)`);
    return renderKustomization(target, seen);
  }
  within(root, target, `${file}: resource ${entry}`);
  return parseManifests(fs.readFileSync(target, 'utf8'), target).map((object) => ({ object, source: target }));
}

function generated(root: string, k: K8sObject, file: string): Rendered[] {
  const specs = [
    ...listOf<GeneratorSpec>(k.configMapGenerator, 'configMapGenerator', file).map((s) => ({ kind: 'ConfigMap' as const, s })),
    ...listOf<GeneratorSpec>(k.secretGenerator, 'secretGenerator', file).map((s) => ({ kind: 'Secret' as const, s })),
  ];
  if (specs.length === 0) return [];
  const options = k.generatorOptions === undefined ? {} : asRecord(k.generatorOptions, `${file}: generatorOptions`);
  const extra = Object.keys(options).filter((key) => key !== 'disableNameSuffixHash');
  if (options.disableNameSuffixHash !== true || extra.length > 0)
    throw new Error(
      `${file}: generators are rendered with generatorOptions.disableNameSuffixHash: true only (the name hash is not implemented)`,
    );
  return specs.map(({ kind, s }) => ({ object: generate(kind, s, (p) => readWithin(root, p, file)), source: file }));
}

function readWithin(root: string, relative: string, file: string): Buffer {
  const target = path.resolve(root, relative);
  within(root, target, `${file}: ${relative}`);
  if (!fs.existsSync(target)) throw new Error(`${file}: ${relative} does not exist (secrets: copy secrets.example/ to secrets/)`);
  return fs.readFileSync(target);
}

/** Kustomize's load restriction: files must be inside the kustomization's folder. */
function within(root: string, target: string, what: string): void {
  if (!target.startsWith(root + path.sep)) throw new Error(`${what} is outside ${root} (Kustomize refuses it)`);
}

function listOf<T>(value: unknown, field: string, file: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${file}: ${field} must be a list`);
  return value as T[];
}

function refuseDuplicates(out: readonly Rendered[]): void {
  const ids = new Map<string, string>();
  for (const { object, source } of out) {
    const id = `${String(object.kind)}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const before = ids.get(id);
    if (before !== undefined) throw new Error(`${id} is defined twice: in ${before} and in ${source} (Kustomize refuses it)`);
    ids.set(id, source);
  }
}
