import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfigFrom, parseConfig } from '../../config/load-config';
import { publishPackage } from '../srs-sim/install';
import type { FleetHost } from '../support/fleet';
import { ansibleInventoryFor } from '../support/fleet/ansible-inventory';
import { redisUrlForDb } from '../support/queue-harness';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { watchChild } from '../support/watch-child';

const ADMIN = 'U0ADMIN01';
const APPROVER = 'U0APPR001';
const DB_YAML = 14;
const DB_INI = 31;
const DBS = { yaml: DB_YAML, ini: DB_INI } as const;
type Format = keyof typeof DBS;
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

/** A real `srs-chatops <command>` process on a config file: the process reads the inventory itself. */
interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  type: (line: string) => void;
  waitFor: (pattern: RegExp, ms?: number) => Promise<RegExpExecArray>;
}

function run(command: 'worker' | 'console', env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [...CLI, command], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const { output, exited } = watchChild(child);
  return {
    child,
    output,
    exited,
    type: (line) => void child.stdin?.write(`${line}\n`),
    waitFor: async (pattern, ms = 60000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = pattern.exec(output());
        if (m !== null) return m;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no ${String(pattern)} from ${command} (exit ${String(child.exitCode)}); output:\n${output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/**
 * The acceptance test of issue 18's inventory part: fleet hosts (real sshd + SRS simulator) kept in an Ansible
 * inventory, YAML and INI; a bot config naming it; the worker and the console (the bot's use cases) each read it.
 */
describe('an Ansible inventory (YAML and INI) drives status all and an upgrade', () => {
  const { fleet } = getTestRun();
  let hosts: FleetHost[];
  let dir: string;
  const started: Running[] = [];
  const configPath = (format: Format) => path.join(dir, `srs-chatops-${format}.yml`);
  const names = ['edge-1', 'edge-2', 'origin-1'];
  const env = (format: Format): NodeJS.ProcessEnv => ({
    SRS_CHATOPS_CONFIG: configPath(format),
    REDIS_URL: redisUrlForDb(DBS[format]),
    HOME: dir,
    LOG_LEVEL: 'warn',
    METRICS_PORT: '0',
  });
  const start = (command: 'worker' | 'console', format: Format, extra: NodeJS.ProcessEnv = {}) => {
    const r = run(command, { ...env(format), ...extra });
    started.push(r);
    return r;
  };
  const stop = async (r: Running) => {
    if (r.child.exitCode === null) r.child.kill('SIGTERM');
    await r.exited;
  };

  beforeAll(async () => {
    hosts = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ansible-inventory-'));
    const rename = Object.fromEntries(hosts.map((h, i) => [h.name, names[i] ?? h.name]));
    const inventory = ansibleInventoryFor(fleet, hosts, {
      rename,
      children: { edges: [hosts[0]?.name ?? '', hosts[1]?.name ?? ''], origins: [hosts[2]?.name ?? ''] },
      // Every host overrides these with its own vars: were the precedence wrong, no host would answer.
      allVars: { srs_root: '/nonexistent/srs', srs_api: '127.0.0.1:1' },
      // Not an SRS host, and not a name the bot accepts: left alone, since inventory.group is srs.
      others: { 'Grafana-1': { ansible_host: '10.0.3.5' } },
    });
    fs.writeFileSync(path.join(dir, 'hosts.yml'), inventory.yaml);
    fs.writeFileSync(path.join(dir, 'hosts.ini'), inventory.ini);
    for (const format of ['yaml', 'ini'] as const) {
      const doc = fleet.toConfigObject({
        hostNames: hosts.map((h) => h.name),
        extra: {
          slack: { roles: { admin: [ADMIN], operator: [APPROVER] } },
          approvals: { approvers: { all: [APPROVER] } },
          upgrade: { install: ['{root}/../bin/srs-install', '{version}', '--root', '{root}'], healthTimeoutMs: 6000, deadlineMs: 1500 },
        },
      });
      delete doc.hosts;
      fs.writeFileSync(
        configPath(format),
        stringify({ ...doc, inventory: { file: format === 'yaml' ? 'hosts.yml' : 'hosts.ini', group: 'srs' } }),
      );
    }
  });

  afterAll(async () => {
    for (const r of started) await stop(r);
    releaseHosts(hosts);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['yaml', 'ini'] as const)('%s: the loader reads the inventory into exactly the hosts the fleet config lists', (format) => {
    const loaded = loadConfigFrom(parse(fs.readFileSync(configPath(format), 'utf8')), configPath(format));
    expect(loaded.source).toEqual({
      kind: format === 'yaml' ? 'ansible-yaml' : 'ansible-ini',
      path: path.join(dir, format === 'yaml' ? 'hosts.yml' : 'hosts.ini'),
      group: 'srs',
    });
    const groups = [
      ['edges', 'srs'],
      ['edges', 'srs'],
      ['origins', 'srs'],
    ];
    const expected = parseConfig(
      fleet.toConfigObject({
        hostNames: hosts.map((h) => h.name),
        rename: Object.fromEntries(hosts.map((h, i) => [h.name, names[i] ?? h.name])),
        hostExtra: Object.fromEntries(hosts.map((h, i) => [h.name, { groups: groups[i] ?? [], user: fleet.user }])),
      }),
      'fleet',
    ).hosts;
    expect(loaded.config.hosts).toEqual(expected);
  });

  it.each(['yaml', 'ini'] as const)(
    '%s: `status all` through a real worker process and the console, both reading the inventory',
    async (format) => {
      const worker = start('worker', format, { WORKER_ID: `ansible-${format}`, LOG_LEVEL: 'info' });
      await worker.waitFor(/worker started/, 30000);
      const chat = start('console', format);
      chat.type('hosts');
      chat.type('status all');
      chat.type('exit');
      expect(await chat.exited).toBe(0);
      const out = chat.output();
      for (const [i, name] of names.entries()) {
        expect(out).toMatch(new RegExp(`${name} .*127\\.0\\.0\\.1`));
        expect(out).toMatch(new RegExp(`✅ ${name} status ok: running \\(pid \\d+\\)`));
        expect(out).toContain(String(hosts[i]?.sshPort));
      }
      expect(out).toMatch(/done: 3 ok/);
      expect(out).not.toMatch(/Grafana/);
      await stop(worker);
      expect(worker.output()).not.toMatch(/"level":(50|60)/);
    },
  );

  it('an approved upgrade through the INI inventory: install command, graceful restart, new version on every edge', async () => {
    for (const h of hosts) publishPackage(h.hostDir, '6.0.185');
    const worker = start('worker', 'ini', { WORKER_ID: 'ansible-upgrade', LOG_LEVEL: 'info' });
    await worker.waitFor(/worker started/, 30000);
    const chat = start('console', 'ini');
    chat.type('upgrade edges 6.0.185');
    const [, approve] = await chat.waitFor(/\[press (b\d+)\] Approve/, 60000);
    chat.type(`as ${APPROVER} press ${approve ?? 'b1'}`);
    await chat.waitFor(/Rollout done/, 120000);
    chat.type('exit');
    expect(await chat.exited).toBe(0);
    const version = async (h: FleetHost | undefined) => {
      const res = await fetch(`http://127.0.0.1:${h?.ports.api ?? 0}/api/v1/versions`);
      return ((await res.json()) as { data: { version: string } }).data.version;
    };
    expect(await version(hosts[0])).toBe('6.0.185');
    expect(await version(hosts[1])).toBe('6.0.185');
    expect(await version(hosts[2])).toBe('6.0.184'); // origin-1 is not in edges
    await stop(worker);
  }, 240000);
});
