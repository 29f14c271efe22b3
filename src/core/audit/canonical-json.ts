/**
 * The canonical JSON text of a value: what `JSON.stringify` gives (so `toJSON`, `undefined` members and
 * non-finite numbers behave as usual), with object members sorted by key (UTF-16 code units, as RFC 8785 does)
 * and no whitespace. Equal values give equal text, whatever the order their keys were set in; parsing the text
 * and canonicalizing again gives the same text. Throws on what JSON cannot represent (cycles, BigInt).
 */
export function canonicalJson(value: unknown): string {
  const plain: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
  return write(plain);
}

function write(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const members = Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${write(obj[k])}`);
  return `{${members.join(',')}}`;
}
