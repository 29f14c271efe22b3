import type { AcceptProbe } from './fanout-accept';
import type { FanoutBurst } from './fanout-burst';
import type { FanoutRun } from './fanout-run';
import type { Recording } from './ssh-standin/recording';
import { fmtMs, median } from './stats';

/** Everything bench/fanout-1000.ts measured (the .json file). */
export interface FanoutResults {
  machine: Record<string, string>;
  options: Record<string, unknown>;
  /** What the recorded host answered (execs, API reads) per scenario. */
  recording: string;
  /** The recording itself: every command line and answer the stand-in hosts replayed. */
  recorded?: Recording;
  runs: FanoutRun[];
  /** One `status all` at a time, no worker: the accept path's Redis commands and CPU. */
  accept: AcceptProbe[];
  bursts: FanoutBurst[];
  /** Peak VmHWM of each worker process, by worker count. */
  workerHwmKb: Record<string, number[]>;
  unrecorded: Array<{ host: string; what: string }>;
  fleetStats?: Record<string, number>;
  /** Processes the stand-in fleet ran in (absent: one, the bench's own). */
  standinProcs?: number;
}

const mb = (kb: number): string => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : 'n/a');

/** `median [min–max]` of the finite values. */
function mr(values: readonly number[]): string {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return 'n/a';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v.length === 1 ? fmtMs(v[0] as number) : `${fmtMs(median(v))} [${fmtMs(lo)}–${fmtMs(hi)}]`;
}

function groups(runs: readonly FanoutRun[]): Map<string, FanoutRun[]> {
  const g = new Map<string, FanoutRun[]>();
  for (const r of runs) g.set(r.label, [...(g.get(r.label) ?? []), r]);
  return g;
}

/** Machine CPU not spent by the bench's processes (bot, workers, stand-in fleet, Redis): other sessions' load. */
function others(r: FanoutRun): number {
  return r.machineCpuMs - r.botCpuMs - r.workerCpuMs - r.fleetCpuMs - r.redisCpuMs - (r.benchCpuMs ?? 0);
}

function loopCell(g: readonly FanoutRun[], which: 'standinLoop' | 'workerLoop' = 'standinLoop'): string {
  const l = g.map((r) => r[which]).filter((x): x is NonNullable<FanoutRun['standinLoop']> => x !== undefined);
  if (l.length === 0) return 'n/a';
  return `${fmtMs(Math.max(...l.map((x) => x.p99Ms)))} / ${fmtMs(Math.max(...l.map((x) => x.maxMs)))}`;
}

function timesTable(runs: readonly FanoutRun[]): string[] {
  const out = [
    '| `status all` | runs | ack | parent posted | all results in | final summary edit | all posts delivered | ok / results | bot CPU | workers CPU | stand-in fleet CPU | Redis CPU | machine CPU (all processes) | of which other processes | stand-in loop delay p99 / max (worst run) | worker loop delay p99 / max (worst run) | bot VmHWM (max) |',
    '| --- | ---: | --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [label, g] of groups(runs)) {
    const okText = [...new Set(g.map((r) => `${r.ok}/${r.results}`))].join(', ');
    const late = g.filter((r) => r.ackStatus !== 200).length;
    const ackCell = `${mr(g.map((r) => r.ackMs))}${late > 0 ? ` (${late} not acknowledged: ${[...new Set(g.map((r) => r.ackStatus))].join('/')})` : ''}`;
    out.push(
      `| ${label} | ${g.length} | ${ackCell} | ${mr(g.map((r) => r.parentMs))} | ${mr(g.map((r) => r.resultsInMs))} | ${mr(g.map((r) => r.summaryMs))} | ${mr(g.map((r) => r.deliveredMs))} | ${okText} | ${fmtMs(median(g.map((r) => r.botCpuMs)))} | ${fmtMs(median(g.map((r) => r.workerCpuMs)))} | ${fmtMs(median(g.map((r) => r.fleetCpuMs)))} | ${fmtMs(median(g.map((r) => r.redisCpuMs)))} | ${fmtMs(median(g.map((r) => r.machineCpuMs)))} | ${fmtMs(median(g.map(others)))} | ${loopCell(g)} | ${loopCell(g, 'workerLoop')} | ${mb(Math.max(...g.map((r) => r.botHwmKb)))} |`,
    );
  }
  return out;
}

function slackTable(runs: readonly FanoutRun[]): string[] {
  const methods = [...new Set(runs.flatMap((r) => Object.keys(r.slack.byMethod)))].sort();
  const out = [
    `| \`status all\` (median per run) | ${methods.join(' | ')} | 429 (all runs) | postMessage peak / 1 s, / 60 s (max) | chat.update peak / 60 s (max) |`,
    `| --- | ${methods.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`,
  ];
  for (const [label, g] of groups(runs)) {
    const cells = methods.map((m) => String(median(g.map((r) => r.slack.byMethod[m] ?? 0))));
    const rl = g.reduce((s, r) => s + r.slack.rateLimited, 0);
    out.push(
      `| ${label} | ${cells.join(' | ')} | ${rl} | ${Math.max(...g.map((r) => r.slack.postPeak1s))} / ${Math.max(...g.map((r) => r.slack.postPeak60s))} | ${Math.max(...g.map((r) => r.slack.updatePeak60s))} |`,
    );
  }
  return out;
}

function memoryLines(r: FanoutResults): string[] {
  const out = ['| process | peak VmHWM (median) | max |', '| --- | ---: | ---: |'];
  const runs = r.runs.map((x) => x.botHwmKb);
  out.push(`| bot, \`status all\` runs (one process unless a delivery timed out) | ${mb(median(runs))} | ${mb(Math.max(...runs))} |`);
  for (const [label, g] of burstGroups(r.bursts)) {
    const kbs = g.map((b) => b.botHwmKb);
    out.push(`| bot, ${label} (a fresh process per burst) | ${mb(median(kbs))} | ${mb(Math.max(...kbs))} |`);
  }
  for (const [w, kbs] of Object.entries(r.workerHwmKb))
    out.push(`| worker, ${w} worker${w === '1' ? '' : 's'} (${kbs.length} processes) | ${mb(median(kbs))} | ${mb(Math.max(...kbs))} |`);
  return out;
}

function burstGroups(bursts: readonly FanoutBurst[]): Map<string, FanoutBurst[]> {
  const by = new Map<string, FanoutBurst[]>();
  for (const b of bursts) by.set(b.label, [...(by.get(b.label) ?? []), b]);
  return by;
}

function burstLines(bursts: readonly FanoutBurst[]): string[] {
  const by = burstGroups(bursts);
  const out = [
    '| burst | bursts | acks | ack p50 | ack p99 | ack max | non-200 (Bolt answers 404 when a command is not acknowledged within 2.9 s) | accepted | bot CPU per command |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [label, g] of by) {
    const all = g.flatMap((b) => b.ackMs);
    const sorted = [...all].sort((a, b) => a - b);
    const pct = (p: number): number =>
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
    const non200 = g.reduce((s, b) => s + b.summary.non200, 0);
    const accepted = g.reduce((s, b) => s + b.accepted, 0);
    const cpu = g.reduce((s, b) => s + b.botCpuMs, 0) / Math.max(1, all.length);
    out.push(
      `| ${label} | ${g.length} | ${all.length} | ${fmtMs(pct(50))} | ${fmtMs(pct(99))} | ${fmtMs(sorted[sorted.length - 1] ?? Number.NaN)} | ${non200} | ${accepted} | ${fmtMs(cpu)} |`,
    );
  }
  return out;
}

function acceptLines(probes: readonly AcceptProbe[]): string[] {
  if (probes.length === 0) return [];
  const med = (f: (p: AcceptProbe) => number): string => String(Math.round(median(probes.map(f))));
  const waiting = [
    ...new Set(
      probes.map((p) =>
        Object.entries(p.waiting)
          .map(([q, n]) => `${q} ${n}`)
          .join(', '),
      ),
    ),
  ].join('; ');
  return [
    'The accept path (one `status all` at a time on an idle bot, no worker running, Redis flushed before each):',
    '',
    '| probes | ack | Redis commands from the command to the ack (script calls included) | in an idle window as long | bot CPU to the ack | jobs waiting after it |',
    '| ---: | --- | ---: | ---: | ---: | --- |',
    `| ${probes.length} | ${mr(probes.map((p) => p.ackMs))} | ${med((p) => p.redisCallsToAck)} | ${med((p) => p.redisCallsIdle)} | ${fmtMs(median(probes.map((p) => p.botCpuMs)))} | ${waiting} |`,
    '',
  ];
}

export function renderFanoutReport(r: FanoutResults): string {
  const o = r.options;
  const m = r.machine;
  return [
    `## ${String(o.hosts)} hosts: \`status all\` (bench/fanout-1000.ts)`,
    '',
    `commit ${m.commit ?? '?'} (tracked files changed: ${m.dirty ?? '?'}), ${m.date ?? ''}; ${m.nproc ?? '?'} cores (${m.cpu ?? '?'}), node ${m.node ?? '?'}, ${m.redis ?? ''}; load average ${m.loadAtStart ?? '?'} at the start, ${m.loadAtEnd ?? '?'} at the end.`,
    `Options: ${JSON.stringify(o)}. Stand-in hosts recorded from a real simulator host: ${r.recording}.`,
    r.fleetStats
      ? `Stand-in fleet (${String(r.standinProcs ?? 1)} process(es)) counters: ${JSON.stringify(r.fleetStats)}. Unrecorded commands: ${r.unrecorded.length}.`
      : '',
    '',
    'Times are ms from sending the signed command; median [min–max] over the runs.',
    '',
    ...timesTable(r.runs),
    '',
    ...acceptLines(r.accept ?? []),
    ...memoryLines(r),
    '',
    "Slack calls per run (the stand-in's records from the command until the request was delivered):",
    '',
    ...slackTable(r.runs),
    '',
    ...burstLines(r.bursts),
    '',
  ].join('\n');
}
