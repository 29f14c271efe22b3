import type { AckBurst, BotRun } from './bot-runs';
import type { PeerRun } from './peers';
import { fmtMs, fmtRatio, median, percentile, summarize } from './stats';

export interface RssRecord {
  label: string;
  idleRssKb: number;
  maxRssKb: number;
  hwmKb: number;
}

export interface SizeResults {
  hosts: number;
  fleetLaunchMs: number;
  /** One remote `true` on an open connection to the first host, ms per try. */
  execCostMs: number[];
  peers: Record<string, PeerRun[]>;
  /** Single worker, worker.concurrency 50 (the default): cold and warm runs, alternating. */
  bot: BotRun[];
  /** Single worker, worker.concurrency = hosts. */
  botConcurrencyN: BotRun[];
  /** Two workers, concurrency 50 each. */
  scaleOut: BotRun[];
  bursts: AckBurst[];
  /** `status <one host>`, one at a time on distinct hosts, warm pool, idle worker: queue overhead without queueing. */
  singleJobs?: BotRun[];
  rss: RssRecord[];
  connections: Array<{ label: string; beforeWarm: number; afterWarm: number }>;
  /** Bot restarts to drop a delivery backlog (runs that did not wait for the summary edit). */
  botRestarts?: number;
}

export interface BenchResults {
  machine: Record<string, string>;
  notes: string[];
  options: { sizes: number[]; runs: number; skip: string[] };
  sizes: SizeResults[];
}

const FLOOR = 'ssh2 floor';
const PSSH = 'parallel-ssh -p 50';

function mb(kb: number): string {
  return Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : 'n/a';
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function runsOf(runs: readonly BotRun[], kind: 'cold' | 'warm'): BotRun[] {
  return runs.filter((r) => r.label.endsWith(kind));
}

interface Line {
  name: string;
  ms: number[];
  ok: string;
  /** Machine CPU busy time per run (all cores), ms. */
  cpu: number[];
  /** Other users' CPU per run, ms. */
  foreign: number[];
}

function timeTable(size: SizeResults): { table: string[]; medians: Map<string, number> } {
  const lines: Line[] = [];
  for (const [name, runs] of Object.entries(size.peers)) {
    lines.push({
      name,
      ms: runs.map((r) => r.ms),
      ok: `${Math.min(...runs.map((r) => r.ok))}/${size.hosts}`,
      cpu: runs.map((r) => r.cpuMs ?? Number.NaN),
      foreign: runs.map((r) => r.foreignCpuMs ?? Number.NaN),
    });
  }
  const bot = (name: string, runs: BotRun[]): void => {
    if (runs.length === 0) return;
    const ok = `${Math.min(...runs.map((r) => r.ok))}/${size.hosts}`;
    const cpu = runs.map((r) => r.machineCpuMs ?? Number.NaN);
    const foreign = runs.map((r) => r.foreignCpuMs ?? Number.NaN);
    lines.push({ name: `${name}: all host results in`, ms: runs.map((r) => r.lastResultMs), ok, cpu, foreign });
    const drained = runs.filter((r) => Number.isFinite(r.e2eMs));
    if (drained.length > 0)
      lines.push({ name: `${name}: **summary edit in Slack**`, ms: drained.map((r) => r.e2eMs), ok, cpu: [], foreign: [] });
  };
  bot('bot cold (c=50)', runsOf(size.bot, 'cold'));
  bot('bot warm (c=50)', runsOf(size.bot, 'warm'));
  bot(`bot cold (c=${size.hosts})`, runsOf(size.botConcurrencyN, 'cold'));
  bot(`bot warm (c=${size.hosts})`, runsOf(size.botConcurrencyN, 'warm'));
  bot('bot cold, 2 workers (c=50 each)', runsOf(size.scaleOut, 'cold'));
  bot('bot warm, 2 workers (c=50 each)', runsOf(size.scaleOut, 'warm'));
  const medians = new Map(lines.map((l) => [l.name, median(l.ms)]));
  const pssh = medians.get(PSSH) ?? Number.NaN;
  const floor = medians.get(FLOOR) ?? Number.NaN;
  const table = [
    row([
      'what',
      'runs',
      'median',
      'min',
      'max',
      'all ok',
      'vs parallel-ssh',
      'vs ssh2 floor',
      'machine CPU (median)',
      "other users' CPU (max)",
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...lines.map((l) => {
      const s = summarize(l.ms);
      const cpu = median(l.cpu.filter(Number.isFinite));
      const foreign = l.foreign.filter(Number.isFinite);
      return row([
        l.name,
        String(s.n),
        fmtMs(s.median),
        fmtMs(s.min),
        fmtMs(s.max),
        l.ok,
        fmtRatio(s.median, pssh),
        fmtRatio(s.median, floor),
        Number.isFinite(cpu) ? `${(cpu / 1000).toFixed(2)} CPU-s` : '',
        foreign.length > 0 ? `${(Math.max(...foreign) / 1000).toFixed(2)} CPU-s` : '',
      ]);
    }),
  ];
  return { table, medians };
}

function breakdownTable(size: SizeResults): string[] {
  const groups: Array<[string, BotRun[]]> = [
    ['cold, c=50', runsOf(size.bot, 'cold')],
    ['warm, c=50', runsOf(size.bot, 'warm')],
    [`cold, c=${size.hosts}`, runsOf(size.botConcurrencyN, 'cold')],
    [`warm, c=${size.hosts}`, runsOf(size.botConcurrencyN, 'warm')],
    ['cold, 2 workers', runsOf(size.scaleOut, 'cold')],
    ['warm, 2 workers', runsOf(size.scaleOut, 'warm')],
  ];
  const m = (runs: BotRun[], f: (r: BotRun) => number): string => fmtMs(median(runs.map(f)));
  return [
    row([
      'bot run (medians, ms from sending the command)',
      'ack',
      'parent posted',
      'first job started',
      'last job started',
      'last result',
      'summary edit (e2e)',
      'delivery tail',
      'worker CPU',
      'bot CPU',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...groups
      .filter(([, runs]) => runs.length > 0)
      .map(([name, runs]) =>
        row([
          name,
          m(runs, (r) => r.ackMs),
          m(runs, (r) => r.parentMs),
          m(runs, (r) => r.firstStartMs),
          m(runs, (r) => r.lastStartMs),
          m(runs, (r) => r.lastResultMs),
          m(runs, (r) => r.e2eMs),
          m(runs, (r) => r.e2eMs - r.lastResultMs),
          m(runs, (r) => r.workerCpuMs),
          m(runs, (r) => r.botCpuMs),
        ]),
      ),
  ];
}

function queueTable(size: SizeResults): string[] {
  const groups: Array<[string, BotRun[]]> = [
    ['cold, c=50', runsOf(size.bot, 'cold')],
    ['warm, c=50', runsOf(size.bot, 'warm')],
    [`cold, c=${size.hosts}`, runsOf(size.botConcurrencyN, 'cold')],
    [`warm, c=${size.hosts}`, runsOf(size.botConcurrencyN, 'warm')],
  ];
  if (size.singleJobs !== undefined && size.singleJobs.length > 0)
    groups.push(['one job at a time (`status <host>`, warm, idle worker)', size.singleJobs]);
  return [
    row([
      'per job (all runs pooled)',
      'jobs',
      'enqueue -> job.started p50',
      'p99',
      'max',
      'enqueue -> first SSH command p50',
      'p99',
      'max',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...groups
      .filter(([, runs]) => runs.length > 0)
      .map(([name, runs]) => {
        const a = runs.flatMap((r) => r.queueToStartMs);
        const b = runs.flatMap((r) => r.queueToCommandMs);
        return row([
          name,
          String(a.length),
          fmtMs(percentile(a, 50)),
          fmtMs(percentile(a, 99)),
          fmtMs(Math.max(...a)),
          fmtMs(percentile(b, 50)),
          fmtMs(percentile(b, 99)),
          fmtMs(Math.max(...b)),
        ]);
      }),
  ];
}

function splitLines(size: SizeResults): string[] {
  return runsOf(size.scaleOut, 'cold')
    .concat(runsOf(size.scaleOut, 'warm'))
    .map(
      (r) =>
        `- ${r.label}: all ${r.total} results in ${fmtMs(r.lastResultMs)}, split ${Object.entries(r.byWorker)
          .map(([w, c]) => `${w.replace(/-.*/, '')} ${c}`)
          .join(' / ')}`,
    );
}

function burstTable(size: SizeResults): string[] {
  const labels = [...new Set(size.bursts.map((b) => b.label))];
  return [
    row([
      '50 concurrent signed commands',
      'bursts',
      'acks',
      'ack p50',
      'ack p99',
      'ack max',
      'non-200',
      'jobs per burst',
      'all results in (median; no-worker bursts: from worker start)',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...labels.map((label) => {
      const bs = size.bursts.filter((b) => b.label === label);
      const acks = bs.flatMap((b) => b.ackMs);
      return row([
        label,
        String(bs.length),
        String(acks.length),
        fmtMs(percentile(acks, 50)),
        fmtMs(percentile(acks, 99)),
        fmtMs(Math.max(...acks)),
        String(bs.flatMap((b) => b.statuses).filter((st) => st !== 200).length),
        String(bs[0]?.jobs ?? 0),
        fmtMs(median(bs.map((b) => b.drainMs))),
      ]);
    }),
  ];
}

function rssTable(size: SizeResults): string[] {
  const labels = [...new Set(size.rss.map((r) => r.label))];
  return [
    row([
      'worker process (tsx, one cold + one warm status all per process)',
      'processes',
      'idle RSS after start (median)',
      'peak VmHWM median',
      'peak VmHWM max',
    ]),
    row(['---', '---:', '---:', '---:', '---:']),
    ...labels.map((label) => {
      const rs = size.rss.filter((r) => r.label === label);
      return row([
        label,
        String(rs.length),
        mb(median(rs.map((r) => r.idleRssKb))),
        mb(median(rs.map((r) => r.hwmKb))),
        mb(Math.max(...rs.map((r) => r.hwmKb))),
      ]);
    }),
  ];
}

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? 'not measured' : ok ? 'met' : 'MISSED';
}

function targets(results: BenchResults): string[] {
  const lines = [row(['target', 'measured', 'verdict']), row(['---', '---', '---'])];
  for (const size of results.sizes) {
    const { medians } = timeTable(size);
    const summaryCold = medians.get('bot cold (c=50): **summary edit in Slack**') ?? Number.NaN;
    const resultsCold = medians.get('bot cold (c=50): all host results in') ?? Number.NaN;
    const pssh = medians.get(PSSH) ?? Number.NaN;
    const floor = medians.get(FLOOR) ?? Number.NaN;
    const n = size.hosts;
    const both = (limit: number): [string, string] => [
      `summary edit ${fmtMs(summaryCold)} (${fmtRatio(summaryCold, limit / 0.4)}); all results in ${fmtMs(resultsCold)}`,
      `${verdict(Number.isFinite(summaryCold) ? summaryCold <= limit : undefined)} (results in: ${verdict(resultsCold <= limit)})`,
    ];
    if (Number.isFinite(pssh)) {
      const [measured, v] = both(0.4 * pssh);
      lines.push(row([`status all, ${n} hosts, cold <= 0.4x parallel-ssh (${fmtMs(0.4 * pssh)})`, measured, v]));
    }
    if (n === 50 && Number.isFinite(floor)) {
      lines.push(
        row([
          `status all, 50 hosts, cold <= 1.5x ssh2 floor (${fmtMs(1.5 * floor)})`,
          `summary edit ${fmtRatio(summaryCold, floor)} of the floor; all results in ${fmtRatio(resultsCold, floor)}`,
          `${verdict(Number.isFinite(summaryCold) ? summaryCold <= 1.5 * floor : undefined)} (results in: ${verdict(resultsCold <= 1.5 * floor)})`,
        ]),
      );
    }
    if (n === 50) {
      const warmSummary = median(
        runsOf(size.bot, 'warm')
          .map((r) => r.e2eMs)
          .filter(Number.isFinite),
      );
      const warmResults = median(runsOf(size.bot, 'warm').map((r) => r.lastResultMs));
      lines.push(
        row([
          'warm repeat, 50 hosts, < 0.3 s',
          `summary edit ${fmtMs(warmSummary)}; all results in ${fmtMs(warmResults)}`,
          `${verdict(Number.isFinite(warmSummary) ? warmSummary < 300 : undefined)} (results in: ${verdict(warmResults < 300)})`,
        ]),
      );
    }
    for (const label of [...new Set(size.bursts.map((b) => b.label))]) {
      const acks = size.bursts.filter((b) => b.label === label).flatMap((b) => b.ackMs);
      lines.push(
        row([
          `ack p99 < 100 ms: ${label} (${n} hosts)`,
          `p99 ${fmtMs(percentile(acks, 99))}, p50 ${fmtMs(percentile(acks, 50))}`,
          verdict(percentile(acks, 99) < 100),
        ]),
      );
    }
    // Queue overhead proper: with worker.concurrency >= hosts no job waits for a free slot.
    const noSlotWait = n <= 50 ? size.bot : size.botConcurrencyN;
    const q = noSlotWait.flatMap((r) => r.queueToStartMs);
    if (q.length > 0)
      lines.push(
        row([
          `queue overhead p99 < 20 ms (enqueue -> job.started, ${n} hosts, c=${n <= 50 ? 50 : n}, cold and warm)`,
          fmtMs(percentile(q, 99)),
          verdict(percentile(q, 99) < 20),
        ]),
      );
    const single = size.singleJobs ?? [];
    if (single.length > 0) {
      const c = single.flatMap((r) => r.queueToCommandMs);
      lines.push(
        row([
          `queue overhead p99 < 20 ms (enqueue -> first SSH command, one job at a time, warm, ${n} hosts)`,
          `p99 ${fmtMs(percentile(c, 99))}, p50 ${fmtMs(percentile(c, 50))}`,
          verdict(percentile(c, 99) < 20),
        ]),
      );
    }
    const rssAll = size.rss.filter((r) => r.label.endsWith(`concurrency ${n}`));
    if (n >= 200 && rssAll.length > 0) {
      const peak = Math.max(...rssAll.map((r) => r.hwmKb));
      lines.push(row([`worker RSS < 200 MB at ${n} concurrent hosts`, mb(peak), verdict(peak < 200 * 1024)]));
    }
    const so = runsOf(size.scaleOut, 'cold');
    if (so.length > 0) {
      const both = so.every((r) => Object.keys(r.byWorker).length === 2);
      lines.push(
        row([
          `scale-out: two workers split a ${n}-host fan-out`,
          `${so.length} cold runs, all results in: median ${fmtMs(median(so.map((r) => r.lastResultMs)))}, both workers took jobs in ${so.filter((r) => Object.keys(r.byWorker).length === 2).length}/${so.length}`,
          verdict(both),
        ]),
      );
    }
  }
  return lines;
}

/** The results as markdown: machine, per fleet size the tables, and the targets. */
export function renderReport(results: BenchResults): string {
  const m = results.machine;
  const out: string[] = [];
  out.push(
    `Run ${m.date ?? ''}: \`npx tsx bench/fleet-bench.ts --hosts ${results.options.sizes.join(',')} --runs ${results.options.runs}${results.options.skip.length > 0 ? ` --skip ${results.options.skip.join(',')}` : ''}\``,
    '',
  );
  out.push('Machine:', '', '```');
  out.push(
    `commit: ${m.commit ?? '?'}`,
    `login user of the fleet: ${m.loginUser ?? '?'}`,
    `nproc: ${m.nproc ?? '?'} (${m.cpu ?? '?'})`,
    `${m.os ?? '?'}, ${m.kernel ?? '?'}`,
    `node ${m.node ?? '?'}; ${m.openssh ?? '?'}; ${m.redis ?? '?'}`,
    `parallel-ssh ${m.pssh ?? '?'}; ${m.ansible ?? '?'}`,
    m.free ?? '',
  );
  out.push('```', '');
  for (const note of results.notes) out.push(`- note: ${note}`);
  for (const size of results.sizes) {
    out.push(
      `### ${size.hosts} hosts`,
      '',
      `Fleet launch (sshd + SRS simulator on every host): ${fmtMs(size.fleetLaunchMs)}. One remote \`true\` on an open SSH connection (sshd session + login shell): median ${fmtMs(median(size.execCostMs))}.`,
      '',
    );
    out.push(...timeTable(size).table, '');
    out.push(...breakdownTable(size), '');
    out.push(...queueTable(size), '');
    if (size.bursts.length > 0) out.push(...burstTable(size), '');
    if (size.rss.length > 0) out.push(...rssTable(size), '');
    const notOk = new Map<string, { count: number; runs: number; example: string }>();
    for (const r of [...size.bot, ...size.botConcurrencyN, ...size.scaleOut]) {
      for (const [key, v] of Object.entries(r.notOk ?? {})) {
        const k = `${r.label}: ${key}`;
        const e = notOk.get(k) ?? { count: 0, runs: 0, example: v.example };
        e.count += v.count;
        e.runs += 1;
        notOk.set(k, e);
      }
    }
    if (notOk.size > 0) {
      out.push('Results that were not `ok` (all hosts run SRS, so each is a failure of the path):', '');
      for (const [k, v] of notOk) out.push(`- ${k}: ${v.count} results in ${v.runs} runs, e.g. ${v.example}`);
      out.push('');
    }
    if (size.botRestarts !== undefined && size.botRestarts > 0) {
      out.push(
        `Runs without a summary-edit time did not wait for the paced thread replies; the bot was restarted and the event stream dropped after each (${size.botRestarts} restarts), so no run queued behind another's replies.`,
        '',
      );
    }
    if (size.connections.length > 0) {
      const c = size.connections;
      out.push(
        `SSH connections held by the worker: before the warm run ${c.map((x) => x.beforeWarm).join(', ')}; after it ${c.map((x) => x.afterWarm).join(', ')} (per cold+warm pair).`,
        '',
      );
    }
    const split = splitLines(size);
    if (split.length > 0) out.push("Two workers on one Redis (events' `worker` field):", '', ...split, '');
  }
  out.push('### Targets (issue 8)', '', ...targets(results), '');
  return out.join('\n');
}
