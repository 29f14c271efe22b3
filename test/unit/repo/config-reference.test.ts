import fs from 'node:fs';
import path from 'node:path';
import {
  approvalsSchema,
  auditSchema,
  graceSchema,
  hostSchema,
  slackSchema,
  sshSchema,
  systemPathsSchema,
  upgradeSchema,
  workerSchema,
} from '../../../config/schema';

const root = path.join(__dirname, '..', '..', '..');
/** The configuration reference: every config key and environment variable, in docs/configuration.md. */
const reference = fs.readFileSync(path.join(root, 'docs', 'configuration.md'), 'utf8');

/** Every source file of the bot and workers (not tests). */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

describe('configuration reference (docs/configuration.md)', () => {
  it('documents every config key', () => {
    const keys = [
      ...Object.keys(sshSchema.shape).map((k) => `ssh.${k}`),
      ...Object.keys(workerSchema.shape).map((k) => `worker.${k}`),
      ...Object.keys(graceSchema.shape).map((k) => `grace.${k}`),
      ...Object.keys(auditSchema.shape).map((k) => `audit.${k}`),
      ...Object.keys(approvalsSchema.shape).map((k) => `approvals.${k}`),
      ...Object.keys(upgradeSchema.shape).map((k) => `upgrade.${k}`),
      ...Object.keys(slackSchema.shape)
        .filter((k) => k !== 'roles')
        .map((k) => `slack.${k}`),
      'slack.roles.admin',
      ...Object.keys(hostSchema.shape)
        .filter((k) => k !== 'system')
        .map((k) => `hosts[].${k}`),
      ...Object.keys(systemPathsSchema.shape).map((k) => `hosts[].system.${k}`),
    ];
    const missing = keys.filter((k) => !reference.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });

  it('documents every environment variable the bot and workers read', () => {
    const text = ['src', 'workers', 'config']
      .flatMap(sources)
      .map((f) => fs.readFileSync(path.join(root, f), 'utf8'))
      .join('\n');
    const vars = new Set([...text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] ?? '').filter((v) => v !== 'JEST_WORKER_ID'));
    expect(vars.size).toBeGreaterThan(10);
    expect([...vars].filter((v) => !reference.includes(`\`${v}\``))).toEqual([]);
  });
});
