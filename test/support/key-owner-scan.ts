import fs from 'node:fs';
import path from 'node:path';

/** The repository's root (from test/support). */
export const REPO_ROOT = path.join(__dirname, '..', '..');

/** Program sources (tests excepted) under `dir`, relative to the root: TypeScript, JavaScript and Lua files. */
export function sourcesUnder(dir: string): string[] {
  const abs = path.join(REPO_ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourcesUnder(rel);
    return /\.(ts|js|mjs|lua)$/.test(e.name) ? [rel] : [];
  });
}

/** `file:line: text` of every line of `file` that one of `uses` matches. */
export function usesIn(file: string, uses: readonly RegExp[]): string[] {
  return fs
    .readFileSync(path.join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .flatMap((line, i) => (uses.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

/** The regular expressions that find a use of `keyNames` of the `keys` table (`keys.x`, `keys['x']`, `{ x } = keys`). */
export function keyUses(keyNames: readonly string[]): RegExp[] {
  const names = keyNames.join('|');
  return [
    new RegExp(`\\bkeys\\s*\\.\\s*(${names})\\b`),
    new RegExp(`\\bkeys\\s*\\[\\s*['"\`](${names})`),
    new RegExp(`\\{[^}]*\\b(${names})\\b[^}]*\\}\\s*=\\s*keys\\b`),
  ];
}
