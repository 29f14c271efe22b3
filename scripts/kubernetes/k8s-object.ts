/** A Kubernetes object as parsed from YAML, loosely typed: the schemas (kubernetes-models) judge its shape. */
export interface K8sObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** A record, or a clear error naming `where`. */
export function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a mapping`);
  return value as Record<string, unknown>;
}

/** The value at `keys` under `value`, when every step is a mapping. */
export function dig(value: unknown, ...keys: string[]): unknown {
  let at = value;
  for (const key of keys) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** `value` as a list of mappings (anything else: empty). */
export function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];
}

/** `Kind/name` for messages. */
export function idOf(o: K8sObject): string {
  return `${String(o.kind)}/${o.metadata?.name ?? '(no name)'}`;
}
