import fc from 'fast-check';
import { fixedInventory } from '../../../src/core/inventory/inventory-holder';
import { inventorySnapshot } from '../../../src/core/inventory/inventory-snapshot';
import { parseConfig } from '../../../config/load-config';
import { createLogger } from '../../../src/adapters/logger';
import { MemoryAuditStore } from '../../../src/adapters/audit/memory-audit-store';
import type { BotDeps } from '../../../src/bot/bot-deps';
import { handleCommand } from '../../../src/bot/handle-command';
import type { ChatPort } from '../../../src/ports/chat-port';
import type { ExecResult, HostPort, RemoteCommand } from '../../../src/ports/host-port';
import type { HostJob, JobQueuePort } from '../../../src/ports/job-queue-port';
import type { PublishedInventory } from '../../../src/ports/inventory-store-port';
import { expandFanOut } from '../../../src/core/jobs/expand-fan-out';
import type { RequestStorePort } from '../../../src/ports/request-store-port';
import { runVerb } from '../../../src/worker/verbs/run-verb';
import { shellJoin } from '../../../src/adapters/ssh/shell-quote';

/** Records every command line the SSH layer was asked to run, and answers like a stopped SRS host. */
class RecordingHosts implements HostPort {
  readonly lines: string[] = [];
  exec(_t: unknown, c: RemoteCommand): Promise<ExecResult> {
    this.lines.push(shellJoin(c.argv));
    return Promise.resolve({
      code: 0,
      stdout: 'pid_file=./objs/srs.pid\nlog_file=./objs/srs.log\nprobe=done\n',
      stderr: '',
      durationMs: 0,
      timedOut: false,
      connectionLost: false,
    });
  }
  httpGet(): Promise<{ status: number; body: string }> {
    return Promise.reject(new Error('no API'));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const NAMES = ['edge-1', 'edge-2', 'edge-3', 'origin-1', 'edge-10'];
const config = parseConfig(
  {
    ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/kh' },
    worker: { startSettleMs: 0, confirmTimeoutMs: 1 },
    slack: { roles: { admin: ['U0ADMIN01'] } },
    hosts: NAMES.map((name, i) => ({ name, address: `10.0.0.${i + 1}`, groups: name.startsWith('edge') ? ['edges'] : ['origins'] })),
  },
  'fuzz',
);

describe('hostile command text, end to end to the SSH layer', () => {
  it('10,000 generated texts: no throw, a command on known hosts or a usage error, and no text reaches a remote command', async () => {
    const hosts = new RecordingHosts();
    const queued: HostJob[] = [];
    const published = new Map<string, PublishedInventory>();
    const queue: JobQueuePort = {
      enqueue: (jobs) => {
        queued.push(...jobs);
        return Promise.resolve({ ahead: new Map(jobs.map((j) => [j.jobId, 0])) });
      },
      hostQueue: () => Promise.resolve([]),
      hostQueues: () => Promise.resolve(new Map()),
      cancel: () => Promise.resolve('unknown'),
      // A fan-out is expanded here as a worker would, from the snapshot the bot published: its jobs run like any.
      enqueueFanOut: (job) => {
        const snapshot = published.get(job.inventoryDigest);
        const expanded = snapshot === undefined ? undefined : expandFanOut(job, snapshot);
        if (!expanded?.ok) return Promise.reject(new Error(`fan-out not expandable: ${JSON.stringify(job)}`));
        queued.push(...expanded.jobs);
        return Promise.resolve({ ahead: 0 });
      },
      fanOutState: () => Promise.resolve({ state: 'unknown' }),
      cancelFanOut: () => Promise.resolve({ state: 'unknown', expanded: [] }),
      fanOutLines: () => Promise.resolve([]),
      close: () => Promise.resolve(),
    };
    const nothing = () => Promise.resolve(undefined);
    const requests = {
      create: () => Promise.resolve(),
      setParent: () => Promise.resolve(),
      get: nothing,
      head: nothing,
      saveResult: () => Promise.resolve(1),
      markPosted: () => Promise.resolve(),
      markDone: () => Promise.resolve(true),
      saveGrace: () => Promise.resolve(),
      claim: () => Promise.resolve(true),
      unclaim: () => Promise.resolve(),
      claimTrigger: nothing,
      releaseTrigger: () => Promise.resolve(),
      setBoard: () => Promise.resolve(),
      reopenHost: () => Promise.resolve(),
    } as unknown as RequestStorePort;
    const chat: ChatPort = {
      post: () => Promise.resolve({ channel: 'C', ts: '1.1' }),
      update: () => Promise.resolve(),
      postEphemeral: () => Promise.resolve(),
    };
    let n = 0;
    const unused = () => Promise.reject(new Error('not used by these commands'));
    const approvals = {
      create: unused,
      get: unused,
      setCard: unused,
      approve: unused,
      close: unused,
      due: unused,
      pending: unused,
      unstarted: unused,
      markStarted: unused,
    };
    const rollouts = {
      create: unused,
      get: unused,
      setHost: unused,
      transition: unused,
      setStatusTs: unused,
      active: unused,
      requestStopNow: unused,
    };
    const deps: BotDeps = {
      config,
      inventory: fixedInventory(inventorySnapshot(config, { kind: 'config', path: 'fuzz.yml' }, 0)),
      chat,
      queue,
      inventories: {
        publish: (snap) => {
          published.set(snap.digest, snap);
          return Promise.resolve();
        },
        load: (digest) => Promise.resolve(published.get(digest)),
      },
      requests,
      approvals,
      rollouts,
      events: { publish: () => Promise.resolve() },
      outputs: { save: unused, get: () => Promise.resolve(undefined) },
      audit: new MemoryAuditStore(),
      logger: createLogger('fuzz'),
      hostKeys: () => new Map(),
      newId: () => `r-fuzz-${(n++).toString(16).padStart(6, '0').slice(-6)}`,
      now: () => 0,
    };
    const meta = fc.constantFrom(
      ';',
      '|',
      '&',
      '$(',
      '`',
      "'",
      '"',
      '\n',
      '\r',
      '\u0000',
      '\u202e',
      '<!channel>',
      '*',
      '~',
      '\\',
      '../',
      '%0a',
    );
    const word = fc.oneof(
      fc.constantFrom(
        'status',
        'restart',
        'grace',
        'stop',
        'reload',
        'rotate',
        'start',
        'hosts',
        'help',
        'all',
        'edges',
        ...NAMES,
        'edge-30',
        'edge_1',
        'EDGE-1',
        'edge-1,',
        '--graceful',
        '--deadline',
        '5m',
      ),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      meta,
    );
    const verb = fc.constantFrom('status', 'restart', 'grace', 'stop', 'reload', 'rotate', 'start', 'Status', 'RESTART');
    const target = fc.oneof(
      fc.constantFrom(...NAMES, 'all', 'edges', 'origins', 'edge-1,edge-2', 'edge-1, origin-1', 'edge-30', 'edge-1;'),
      fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 }).map((x) => x.join(',')),
    );
    const flags = fc.constantFrom('', ' --graceful', ' --deadline 5m', ' --graceful --deadline 90s', ' --deadline=1h', ' --force');
    const text = fc.oneof(
      { weight: 5, arbitrary: fc.tuple(verb, target, flags).map(([v, tg, f]) => `${v} ${tg}${f}`) },
      { weight: 6, arbitrary: fc.array(word, { maxLength: 6 }).map((w) => w.join(' ')) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.array(word, { maxLength: 3 }), meta, fc.array(word, { maxLength: 3 }))
          .map(([a, m, b]) => `${a.join(' ')}${m}${b.join(' ')}`),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'x'.repeat(100_000),
          `status ${'edge-1,'.repeat(20000)}edge-1`,
          'status edge-1\nreboot',
          'restart edge-1; rm -rf /',
          'status $(reboot)',
          'grace `id` --deadline 1h',
        ),
      },
    );
    let ok = 0;
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const before = queued.length;
        const reply = await handleCommand(deps, { userId: 'U0ADMIN01', channelId: 'C0OPS0001', text: t });
        expect(typeof reply.ephemeral.text).toBe('string');
        const jobs = queued.slice(before);
        if (jobs.length === 0) {
          errors++;
          expect(reply.ephemeral.text.length).toBeLessThan(4000);
          return;
        }
        ok++;
        for (const job of jobs) {
          expect(NAMES).toContain(job.host);
          const host = config.hosts.find((h) => h.name === job.host);
          if (!host) throw new Error('unknown host');
          const sent = hosts.lines.length;
          await runVerb(
            {
              hostConfig: host,
              target: { name: host.name, address: host.address, port: host.port, user: 'srsops' },
              ssh: hosts,
              settings: config.worker,
              commandTimeoutMs: 1000,
              logger: deps.logger,
              sleep: () => Promise.resolve(),
            },
            job.verb,
          );
          for (const line of hosts.lines.slice(sent)) {
            const stripped = t.trim();
            if (stripped.length >= 6 && !NAMES.includes(stripped)) expect(line.includes(stripped)).toBe(false);
            expect(line).not.toMatch(/edge-|origin-/); // no name from the request is ever part of a remote command
          }
        }
      }),
      { numRuns: 10000 },
    );
    expect(ok + errors).toBe(10000);
    expect(ok).toBeGreaterThan(100);
    expect(hosts.lines.length).toBeGreaterThan(0);
  }, 120000);
});
