/**
 * Micro-benchmark of the worker's `status` path without queue or chat: `observeHost` (probe script over SSH + two
 * SRS API reads through direct-tcpip channels, src/worker/srs/snapshot.ts) on every host at once through one SshHost,
 * round 1 cold (connects), then warm rounds on the pooled connections; per call, the time of each exec and httpGet.
 * Also the same path on one host at a time (no contention), and the machine's CPU time per round.
 *
 *   npx tsx bench/status-stages.ts [--hosts 50] [--rounds 5] [--keep]
 *
 * Run it as the fleet's login user you want (see fleet-bench.ts --login-user for why that matters on a local fleet).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config/load-config';
import { createLogger } from '../src/adapters/logger';
import type { ExecResult, HostHttpResponse, HostPort, HostTarget, RemoteCommand } from '../src/ports/host-port';
import { createSshHost } from '../src/adapters/ssh/create-ssh-host';
import type { HostContext } from '../src/worker/srs/host-context';
import { observeHost } from '../src/worker/srs/snapshot';
import { launchFleet } from '../test/support/fleet';
import { machineBusyMs } from './lib/proc';
import { fmtMs, percentile } from './lib/stats';

interface Timing {
  kind: 'exec' | 'http';
  ms: number;
}

/** HostPort that times each call of the real adapter. */
class TimedHosts implements HostPort {
  timings: Timing[] = [];
  constructor(private readonly inner: HostPort) {}
  async exec(target: HostTarget, command: RemoteCommand): Promise<ExecResult> {
    const t = performance.now();
    try {
      return await this.inner.exec(target, command);
    } finally {
      this.timings.push({ kind: 'exec', ms: performance.now() - t });
    }
  }
  async httpGet(target: HostTarget, hostPort: string, p: string, timeoutMs: number): Promise<HostHttpResponse> {
    const t = performance.now();
    try {
      return await this.inner.httpGet(target, hostPort, p, timeoutMs);
    } finally {
      this.timings.push({ kind: 'http', ms: performance.now() - t });
    }
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

function line(label: string, wallMs: number, timings: readonly Timing[], cpuMs: number, states: string): string {
  const exec = timings.filter((t) => t.kind === 'exec').map((t) => t.ms);
  const http = timings.filter((t) => t.kind === 'http').map((t) => t.ms);
  return `| ${label} | ${fmtMs(wallMs)} | ${fmtMs(percentile(exec, 50))} / ${fmtMs(percentile(exec, 99))} | ${fmtMs(percentile(http, 50))} / ${fmtMs(percentile(http, 99))} | ${(cpuMs / 1000).toFixed(2)} CPU-s | ${states} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '5' },
      keep: { type: 'boolean', default: false },
    },
  });
  const n = Number(values.hosts);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(n) || n < 1 || n > 400 || !Number.isInteger(rounds) || rounds < 2 || rounds > 20)
    throw new Error('--hosts 1..400, --rounds 2..20');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-stages-'));
  const fleet = await launchFleet({
    dir: path.join(dir, 'fleet'),
    hosts: Array.from({ length: n }, (_, i) => ({ name: `h${String(i + 1).padStart(3, '0')}` })),
  });
  const out: string[] = [];
  try {
    const config = parseConfig(fleet.toConfigObject(), 'status-stages');
    const logger = createLogger('stages', { LOG_LEVEL: 'silent' });
    const hosts = new TimedHosts(createSshHost(config, logger));
    const ctxs: HostContext[] = config.hosts.map((host) => ({
      hostConfig: host,
      target: { name: host.name, address: host.address, port: host.port, user: config.ssh.user },
      ssh: hosts,
      settings: config.worker,
      commandTimeoutMs: config.ssh.commandTimeoutMs,
      logger,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    }));
    out.push(
      `status path (observeHost) on ${n} hosts, as shipped, login user ${os.userInfo().username}`,
      '',
      '| round | wall | exec p50 / p99 | httpGet p50 / p99 | machine CPU | states |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
    );
    for (let r = 1; r <= rounds; r += 1) {
      hosts.timings = [];
      const c0 = machineBusyMs();
      const t0 = performance.now();
      const observed = await Promise.all(ctxs.map((ctx) => observeHost(ctx)));
      const wall = performance.now() - t0;
      const states = new Map<string, number>();
      for (const o of observed)
        states.set(
          `${o.snapshot.state}${o.snapshot.apiUp ? '+api' : ''}`,
          (states.get(`${o.snapshot.state}${o.snapshot.apiUp ? '+api' : ''}`) ?? 0) + 1,
        );
      out.push(
        line(
          r === 1 ? 'all hosts, cold' : `all hosts, warm ${r - 1}`,
          wall,
          hosts.timings,
          machineBusyMs() - c0,
          [...states].map(([k, v]) => `${k}: ${v}`).join(', '),
        ),
      );
    }
    const one = ctxs[0];
    if (one) {
      hosts.timings = [];
      const c0 = machineBusyMs();
      const walls: number[] = [];
      for (let i = 0; i < 10; i += 1) {
        const t0 = performance.now();
        await observeHost(one);
        walls.push(performance.now() - t0);
      }
      out.push(line('one host at a time, warm (median of 10)', percentile(walls, 50), hosts.timings, (machineBusyMs() - c0) / 10, ''));
    }
    await hosts.close();
  } finally {
    await fleet.stop();
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`status-stages: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
