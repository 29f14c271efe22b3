import type { BotRun } from './bot-runs';
import type { PeerRun } from './peers';
import { fmtMs, fmtRatio, median, summarize } from './stats';

export type Mode = 'direct' | 'bastion';

/** A peer run, with what the bastion saw during it (through-bastion runs only). */
export interface PeerRecord extends PeerRun {
  /** Most established TCP connections to the bastion's port seen during the run (sampled every 200 ms). */
  bastionConnsMax?: number;
  /** CPU of the bastion's sshd (listener and every connection process) during the run, ms. */
  bastionCpuMs?: number;
  loadAvg1: number;
}

/** One fresh worker process: a cold `status all`, then a warm one (pooled SSH), with what the bastion saw. */
export interface BotPair {
  cold: BotRun;
  warm: BotRun;
  /** Worker processes of the pair (absent: 1). */
  workers?: number;
  /** Results per worker id, cold and warm (how the fan-out split). */
  byWorker?: [Record<string, number>, Record<string, number>];
  /** The workers' established connections to the bastion's port after the cold run, and after the warm one (summed). */
  workerToBastion: [number, number];
  /** The worker's established connections straight to a target's sshd port after the cold run, and after the warm one. */
  workerToTargets: [number, number];
  /** Most connections to the bastion's port (any process) seen during the cold run, and during the warm one. */
  bastionConnsMax: [number, number];
  /** Bastion sshd CPU during the cold run, and during the warm one, ms. */
  bastionCpuMs: [number, number];
  /** Bastion sshd CPU from before the worker started to after the warm run, its connection still open, ms. */
  bastionSessionCpuMs: number;
  loadAvg1: number;
}

export interface BastionSize {
  hosts: number;
  fleetLaunchMs: number;
  /** One remote `true` on an open connection, direct (ms per try). */
  execCostMs: number[];
  peers: Record<string, Record<Mode, PeerRecord[]>>;
  bot: Record<Mode, BotPair[]>;
  /** Bastion sshd CPU from before ansible's cold run through it to after the warm one, its masters still open, ms. */
  ansibleSessionCpuMs: number[];
}

export interface BastionResults {
  machine: Record<string, string>;
  notes: string[];
  options: { sizes: number[]; runs: number; skip: string[]; workers?: number };
  loadAvg: { start: string; end: string };
  sizes: BastionSize[];
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function spread(ms: readonly number[]): string {
  if (ms.length === 0) return 'n/a';
  const s = summarize(ms);
  return `**${fmtMs(s.median)}** (${fmtMs(s.min)}–${fmtMs(s.max)})`;
}

function cpu(ms: readonly number[]): string {
  const m = median(ms.filter(Number.isFinite));
  return Number.isFinite(m) ? `${(m / 1000).toFixed(2)} CPU-s` : '';
}

interface Line {
  name: string;
  direct: number[];
  bastion: number[];
  ok: string;
  conns: number[];
  bastionCpu: number[];
  machineDirect: number[];
  machineBastion: number[];
  /** Other users' CPU during the runs, ms (a shared machine). */
  foreign: number[];
}

function okOf(hosts: number, counts: readonly number[]): string {
  return counts.length === 0 ? 'n/a' : `${Math.min(...counts)}/${hosts}`;
}

function botLines(size: BastionSize): Line[] {
  const lines: Line[] = [];
  for (const [i, kind] of [
    [0, 'cold'],
    [1, 'warm'],
  ] as const) {
    const pick = (m: Mode): BotRun[] => size.bot[m].map((p) => (i === 0 ? p.cold : p.warm));
    const d = pick('direct');
    const b = pick('bastion');
    const ok = okOf(
      size.hosts,
      [...d, ...b].map((r) => r.ok),
    );
    const base = {
      ok,
      conns: size.bot.bastion.map((p) => p.bastionConnsMax[i]),
      bastionCpu: size.bot.bastion.map((p) => p.bastionCpuMs[i]),
      machineDirect: d.map((r) => r.machineCpuMs ?? Number.NaN),
      machineBastion: b.map((r) => r.machineCpuMs ?? Number.NaN),
      foreign: [...d, ...b].map((r) => r.foreignCpuMs ?? Number.NaN),
    };
    lines.push({
      name: `bot ${kind}: all host results in`,
      direct: d.map((r) => r.lastResultMs),
      bastion: b.map((r) => r.lastResultMs),
      ...base,
    });
    const dd = d.filter((r) => Number.isFinite(r.e2eMs));
    const bd = b.filter((r) => Number.isFinite(r.e2eMs));
    if (dd.length + bd.length > 0)
      lines.push({
        ...base,
        name: `bot ${kind}: **summary edit in Slack**`,
        direct: dd.map((r) => r.e2eMs),
        bastion: bd.map((r) => r.e2eMs),
        machineDirect: [],
        machineBastion: [],
      });
  }
  return lines;
}

function peerLines(size: BastionSize): Line[] {
  return Object.entries(size.peers).map(([name, runs]) => ({
    name,
    direct: runs.direct.map((r) => r.ms),
    bastion: runs.bastion.map((r) => r.ms),
    ok: okOf(
      size.hosts,
      [...runs.direct, ...runs.bastion].map((r) => r.ok),
    ),
    conns: runs.bastion.map((r) => r.bastionConnsMax ?? Number.NaN),
    bastionCpu: runs.bastion.map((r) => r.bastionCpuMs ?? Number.NaN),
    machineDirect: runs.direct.map((r) => r.cpuMs ?? Number.NaN),
    machineBastion: runs.bastion.map((r) => r.cpuMs ?? Number.NaN),
    foreign: [...runs.direct, ...runs.bastion].map((r) => r.foreignCpuMs ?? Number.NaN),
  }));
}

function mainTable(size: BastionSize): string[] {
  const lines = [...botLines(size), ...peerLines(size)];
  return [
    row([
      `\`status all\`, ${size.hosts} hosts`,
      'direct: median (min–max)',
      'through one bastion',
      'bastion / direct',
      'all ok',
      'TCP connections to the bastion (max seen)',
      "bastion sshd's CPU (median)",
      'machine CPU direct / bastion (median)',
      "other users' CPU (max)",
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...lines.map((l) =>
      row([
        l.name,
        spread(l.direct),
        spread(l.bastion),
        fmtRatio(median(l.bastion), median(l.direct)),
        l.ok,
        l.conns.filter(Number.isFinite).length > 0 ? [...new Set(l.conns)].join(', ') : '',
        cpu(l.bastionCpu),
        l.machineDirect.length > 0 ? `${cpu(l.machineDirect)} / ${cpu(l.machineBastion)}` : '',
        l.foreign.some(Number.isFinite) ? `${(Math.max(...l.foreign.filter(Number.isFinite)) / 1000).toFixed(2)} CPU-s` : '',
      ]),
    ),
  ];
}

function breakdown(size: BastionSize): string[] {
  const m = (runs: BotRun[], f: (r: BotRun) => number): string => fmtMs(median(runs.map(f)));
  const groups: Array<[string, BotRun[]]> = [];
  for (const mode of ['direct', 'bastion'] as const) {
    groups.push([`${mode}, cold`, size.bot[mode].map((p) => p.cold)], [`${mode}, warm`, size.bot[mode].map((p) => p.warm)]);
  }
  return [
    row([
      'bot run (medians, from sending the command)',
      'ack',
      'first job started',
      'last job started',
      'last result',
      'worker CPU',
      'bot CPU',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...groups
      .filter(([, runs]) => runs.length > 0)
      .map(([name, runs]) =>
        row([
          name,
          m(runs, (r) => r.ackMs),
          m(runs, (r) => r.firstStartMs),
          m(runs, (r) => r.lastStartMs),
          m(runs, (r) => r.lastResultMs),
          m(runs, (r) => r.workerCpuMs),
          m(runs, (r) => r.botCpuMs),
        ]),
      ),
  ];
}

function connectionLines(size: BastionSize): string[] {
  const list = (mode: Mode, f: (p: BotPair) => number): string => size.bot[mode].map(f).join(', ');
  return [
    `- worker processes → bastion port, after cold / after warm, per pair (workers: ${size.bot.bastion.map((p) => p.workers ?? 1).join(', ')}): ${size.bot.bastion.map((p) => `${p.workerToBastion[0]}/${p.workerToBastion[1]}`).join(', ')}`,
    ...size.bot.bastion
      .filter((p) => (p.workers ?? 1) > 1 && p.byWorker !== undefined)
      .map(
        (p) =>
          `- through the bastion, results per worker (cold; warm): ${(p.byWorker ?? [])
            .map((b) =>
              Object.entries(b)
                .map(([w, c]) => `${w.replace(/-.*/, '')} ${c}`)
                .join(' / '),
            )
            .join('; ')}`,
      ),
    `- worker → the targets' own sshd ports (direct connections), through the bastion: ${list('bastion', (p) => p.workerToTargets[0])}; direct mode, for comparison: ${list('direct', (p) => p.workerToTargets[0])}`,
    `- load average (1 min) at each bot pair: direct ${list('direct', (p) => p.loadAvg1)}; bastion ${list('bastion', (p) => p.loadAvg1)}`,
  ];
}

function sessionLines(size: BastionSize): string[] {
  const pssh = Object.entries(size.peers).find(([name]) => name.startsWith('parallel-ssh'))?.[1].bastion ?? [];
  const sec = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} CPU-s` : 'n/a');
  const lines = [
    `- bot: the worker process(es), their connect, cold + warm run: ${sec(median(size.bot.bastion.map((p) => p.bastionSessionCpuMs)))} (median of ${size.bot.bastion.length})`,
  ];
  if (size.ansibleSessionCpuMs.length > 0)
    lines.push(
      `- ansible: cold + warm run (ControlPersist masters still open): ${sec(median(size.ansibleSessionCpuMs))} (median of ${size.ansibleSessionCpuMs.length})`,
    );
  if (pssh.length > 0)
    lines.push(
      `- parallel-ssh: one run (every connection opened and closed in it; what sshd reparented at close is not counted): ${sec(median(pssh.map((r) => r.bastionCpuMs ?? Number.NaN)))}`,
    );
  return lines;
}

function targets(size: BastionSize): string[] {
  const ratio = (kind: 'cold' | 'warm'): number => {
    const f = (mode: Mode): number => median(size.bot[mode].map((p) => (kind === 'cold' ? p.cold.lastResultMs : p.warm.lastResultMs)));
    return f('bastion') / f('direct');
  };
  // Per worker process: the connections held after each run, and the most seen during it, divided by the workers.
  const perWorker = size.bot.bastion.flatMap((p) => [...p.workerToBastion, ...p.bastionConnsMax].map((c) => c / (p.workers ?? 1)));
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  const out: string[] = [];
  for (const kind of ['cold', 'warm'] as const) {
    const r = ratio(kind);
    out.push(
      row([
        `${size.hosts} hosts, bot ${kind}, through one bastion ≤ 1.3x direct (all results in)`,
        fmtRatio(r, 1),
        Number.isFinite(r) ? verdict(r <= 1.3) : 'not measured',
      ]),
    );
  }
  out.push(
    row([
      `${size.hosts} hosts, one bastion connection per worker process (after each run, and the most seen during it)`,
      perWorker.length > 0 ? [...new Set(perWorker)].join(', ') : 'n/a',
      perWorker.length > 0 ? verdict(perWorker.every((n) => n === 1)) : 'not measured',
    ]),
  );
  return out;
}

/** The results as markdown: machine, per fleet size the side-by-side table, the breakdown, the connections, the targets. */
export function renderBastionReport(results: BastionResults): string {
  const m = results.machine;
  const o = results.options;
  const out: string[] = [
    `Run ${m.date ?? ''}: \`npm run bench:bastion -- --hosts ${o.sizes.join(',')} --runs ${o.runs}${o.skip.length > 0 ? ` --skip ${o.skip.join(',')}` : ''}${(o.workers ?? 1) > 1 ? ` --workers ${o.workers ?? 1}` : ''}\``,
    '',
    'Machine:',
    '',
    '```',
    `commit: ${m.commit ?? '?'}`,
    `login user of the fleet: ${m.loginUser ?? '?'}`,
    `nproc: ${m.nproc ?? '?'} (${m.cpu ?? '?'})`,
    `${m.os ?? '?'}, ${m.kernel ?? '?'}`,
    `node ${m.node ?? '?'}; ${m.openssh ?? '?'}; ${m.redis ?? '?'}`,
    `parallel-ssh ${m.pssh ?? '?'}; ${m.ansible ?? '?'}`,
    `load average at start: ${results.loadAvg.start}; at end: ${results.loadAvg.end}`,
    '```',
    '',
    ...results.notes.map((n) => `- note: ${n}`),
  ];
  const targetRows: string[] = [];
  for (const size of results.sizes) {
    out.push(
      '',
      `### ${size.hosts} hosts`,
      '',
      `Fleet launch (${size.hosts} hosts + the bastion's sshd): ${fmtMs(size.fleetLaunchMs)}. One remote \`true\` on an open SSH connection (direct): median ${fmtMs(median(size.execCostMs))}.`,
      '',
      ...mainTable(size),
      '',
      ...breakdown(size),
      '',
      'Connections (`ss -Htnp state established`):',
      '',
      ...connectionLines(size),
      '',
      "The bastion sshd's CPU for whole sessions (listener and every connection process below it, from before the first connection):",
      '',
      ...sessionLines(size),
    );
    targetRows.push(...targets(size));
  }
  out.push('', '### Targets', '', row(['target', 'measured', 'verdict']), row(['---', '---', '---']), ...targetRows, '');
  return out.join('\n');
}
