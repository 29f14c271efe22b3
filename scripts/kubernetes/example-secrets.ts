/**
 * secrets.example/ is committed: every file must be a placeholder (each one says REPLACE-ME) and none may hold a
 * private key or a Slack token, so that nobody commits a real one there by mistake.
 */
import fs from 'node:fs';
import path from 'node:path';

const REAL = [
  { what: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: 'a Slack token', pattern: /\b(?:xox[abpr]-\d+-\d+-[0-9A-Za-z]+|xapp-\d+-[0-9A-Z]+-\d+-[0-9a-f]+)/ },
];

export function exampleSecretProblems(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    const where = `secrets.example/${name}`;
    const real = REAL.filter((r) => r.pattern.test(text)).map((r) => `${where} holds ${r.what}: keep only placeholders there`);
    return text.includes('REPLACE-ME') ? real : [...real, `${where}: mark every value to replace with REPLACE-ME`];
  });
}
