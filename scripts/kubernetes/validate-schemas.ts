/**
 * Validates each rendered object against the Kubernetes OpenAPI schemas shipped by kubernetes-models (one class per
 * apiVersion and kind; `.validate()` throws listing what is wrong). A kind the package does not know is refused: it
 * would be a typo, or a custom resource this deployment does not use.
 */
import { idOf, type K8sObject } from './k8s-object';

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/** `apps/v1` → `kubernetes-models/apps/v1`; the core group `v1` → `kubernetes-models/v1`. */
function modulePath(apiVersion: string): string | undefined {
  return /^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) ? `kubernetes-models/${apiVersion}` : undefined;
}

async function modelOf(apiVersion: unknown, kind: unknown): Promise<ModelClass | string> {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return 'apiVersion and kind must be strings';
  const where = modulePath(apiVersion);
  if (where === undefined) return `apiVersion ${apiVersion} is not a Kubernetes API version`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(where)) as Record<string, unknown>;
  } catch {
    return `apiVersion ${apiVersion} is not served by Kubernetes (no schemas in kubernetes-models)`;
  }
  const model = mod[kind];
  return typeof model === 'function' ? (model as ModelClass) : `kind ${kind} does not exist in ${apiVersion}`;
}

/** Problems of `o` against its schema (none: valid). */
export async function schemaProblems(o: K8sObject): Promise<string[]> {
  const model = await modelOf(o.apiVersion, o.kind);
  if (typeof model === 'string') return [`${idOf(o)}: ${model}`];
  const problems: string[] = [];
  if (typeof o.metadata?.name !== 'string' || o.metadata.name === '') problems.push(`${idOf(o)}: metadata.name is required`);
  try {
    new model(o).validate();
  } catch (err) {
    problems.push(`${idOf(o)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return problems;
}
