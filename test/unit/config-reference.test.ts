import fs from 'node:fs';
import path from 'node:path';
import { auditSchema, graceSchema, hostSchema, slackSchema, sshSchema, systemPathsSchema, workerSchema } from '../../config/schema';

const root = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const reference = readme.slice(readme.indexOf('## Configuration reference'), readme.indexOf('\n## ', readme.indexOf('## Configuration reference') + 5));

/** Every source file of the bot and workers (not tests). */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

describe('README configuration reference', () => {
  it('documents every config key', () => {
    const keys = [
      ...Object.keys(sshSchema.shape).map((k) => `ssh.${k}`),
      ...Object.keys(workerSchema.shape).map((k) => `worker.${k}`),
      ...Object.keys(graceSchema.shape).map((k) => `grace.${k}`),
      ...Object.keys(auditSchema.shape).map((k) => `audit.${k}`),
      ...Object.keys(slackSchema.shape).filter((k) => k !== 'roles').map((k) => `slack.${k}`),
      'slack.roles.admin',
      ...Object.keys(hostSchema.shape).filter((k) => k !== 'system').map((k) => `hosts[].${k}`),
      ...Object.keys(systemPathsSchema.shape).map((k) => `hosts[].system.${k}`),
    ];
    const missing = keys.filter((k) => !reference.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });

  it('documents every environment variable the bot and workers read', () => {
    const text = ['src', 'workers', 'config'].flatMap(sources).map((f) => fs.readFileSync(path.join(root, f), 'utf8')).join('\n');
    const vars = new Set([...text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] ?? '').filter((v) => v !== 'JEST_WORKER_ID'));
    expect(vars.size).toBeGreaterThan(10);
    expect([...vars].filter((v) => !reference.includes(`\`${v}\``))).toEqual([]);
  });
});
