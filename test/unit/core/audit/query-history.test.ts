import { MemoryAuditStore } from '../../../../src/adapters/audit/memory-audit-store';
import { readHistoryFlags, parseHistoryUser } from '../../../../src/core/audit/history-filters';
import { toHistoryRows, type HistoryRow } from '../../../../src/core/audit/history-row';
import { queryHistory, toHistoryLookup } from '../../../../src/core/audit/query-history';
import { describeTimeBound, parseTimeBound, resolveTimeBound } from '../../../../src/core/audit/time-bound';
import { parseCommand } from '../../../../src/core/parse-command';
import { authorize, minimumRole } from '../../../../src/core/policy';
import { renderHelp, renderHistory, slackToPlainText, threadPermalink } from '../../../../src/presentation';
import type { AuditEventInput } from '../../../../src/ports/audit-port';
import { validateMessageBlocks } from '../../../support/slack/block-validation';

const HOUR = 3_600_000;
const T0 = Date.parse('2024-05-01T10:00:00Z');

function history(text: string): unknown {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(r.error);
  return r.command;
}

function error(text: string): string {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`expected an error for ${text}`);
  return r.error;
}

describe('grammar: /srs history', () => {
  it('target and every flag, in any order, both flag forms', () => {
    expect(history('history')).toEqual({ kind: 'history', filters: { limit: 20 } });
    expect(history('History Edge-3')).toEqual({ kind: 'history', target: 'edge-3', filters: { limit: 20 } });
    expect(history('history edge-1, edge-2 --verb restart --since 7d --limit 5 --user <@U0ABC123>')).toEqual({
      kind: 'history',
      target: 'edge-1,edge-2',
      filters: { verb: 'restart', since: { agoMs: 7 * 24 * HOUR }, limit: 5, user: { id: 'U0ABC123' } },
    });
    expect(history('history --user=U0ABC123 --since=2024-05-01 all')).toEqual({
      kind: 'history',
      target: 'all',
      filters: { limit: 20, user: { id: 'U0ABC123' }, since: { atMs: Date.parse('2024-05-01T00:00:00Z') } },
    });
  });

  it('users: a mention (with or without a name), an id, or a handle typed as text', () => {
    expect(parseHistoryUser('<@u0abc123|jane>')).toEqual({ id: 'U0ABC123' });
    expect(parseHistoryUser('w0abc123')).toEqual({ id: 'W0ABC123' });
    expect(parseHistoryUser('@jane.doe')).toEqual({ name: 'jane.doe' });
    expect(parseHistoryUser('wendy')).toEqual({ name: 'wendy' });
    expect(parseHistoryUser('<!channel>')).toBeUndefined();
  });

  it('errors say what was wrong and show the usage, escaped', () => {
    const usage = 'Usage: /srs history [target] [--verb V] [--user @someone] [--since 7d] [--limit 20]';
    expect(error('history --verb frob')).toBe(
      `\`frob\` is not a verb (one of status, start, stop, restart, reload, rotate, grace). ${usage}`,
    );
    expect(error('history --since yesterday')).toContain('`yesterday` is not a time');
    expect(error('history --limit 0')).toContain('`--limit` must be a number from 1 to 50');
    expect(error('history --limit 51')).toContain('from 1 to 50');
    expect(error('history --limit')).toContain('flag `--limit` needs a value');
    expect(error('history --user <!channel>')).toContain('is not a user');
    expect(error('history --user <!channel>')).not.toMatch(/<!channel>/);
    expect(error('history edge-1 edge-2')).toContain('at most one target');
    expect(error('history edge/1')).toContain('is not a host or group name');
    expect(error('history --graceful')).toMatch(/^unknown flag `--graceful`/);
    expect(error('histroy')).toContain('did you mean `history`?');
  });

  it('every role may run it, viewers included; help lists it', () => {
    const slack = { allowedChannels: [], roles: { admin: [], operator: [], viewer: ['UVIEW'] } };
    expect(authorize({ userId: 'UVIEW', channelId: 'C1' }, { kind: 'history', filters: { limit: 20 } }, slack)).toEqual({
      allowed: true,
      role: 'viewer',
    });
    expect(authorize({ userId: 'UNOBODY', channelId: 'C1' }, { kind: 'history', filters: { limit: 20 } }, slack).allowed).toBe(false);
    expect(minimumRole('history')).toBe('viewer');
    for (const role of ['viewer', 'operator', 'admin'] as const)
      expect(renderHelp(role).text).toContain('`/srs history [target] [--verb V] [--user @someone] [--since 7d] [--limit 20]`');
  });
});

describe('time bounds and flags', () => {
  it('durations and dates', () => {
    expect(parseTimeBound('90s')).toEqual({ agoMs: 90_000 });
    expect(parseTimeBound('30M')).toEqual({ agoMs: 30 * 60_000 });
    expect(parseTimeBound('2w')).toEqual({ agoMs: 14 * 24 * HOUR });
    expect(parseTimeBound('2024-05-01T10:00')).toEqual({ atMs: T0 });
    expect(parseTimeBound('2024-05-01t12:00+02:00')).toEqual({ atMs: T0 });
    expect(parseTimeBound('2024-05-01 10:00:00Z')).toEqual({ atMs: T0 });
    for (const bad of ['7', 'd', '7y', '-7d', '99999999d', '2024-13-45', 'now']) expect(parseTimeBound(bad)).toBeUndefined();
    expect(resolveTimeBound({ agoMs: HOUR }, T0)).toBe(T0 - HOUR);
    expect(describeTimeBound({ agoMs: 7 * 24 * HOUR })).toBe('1w');
    expect(describeTimeBound({ agoMs: 36 * HOUR })).toBe('36h');
  });

  it('readHistoryFlags keeps the default limit', () => {
    expect(readHistoryFlags(new Map())).toEqual({ ok: true, filters: { limit: 20 } });
  });

  it('a user typed as plain text cannot be looked up until resolved to an id', () => {
    const r = toHistoryLookup({ limit: 20, user: { name: 'jane' } }, undefined, T0);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain('`@jane` reached the bot as plain text');
    expect(toHistoryLookup({ limit: 5, user: { id: 'U1' }, since: { agoMs: HOUR }, verb: 'stop' }, ['edge-1'], T0)).toEqual({
      ok: true,
      lookup: { limit: 5, user: 'U1', since: T0 - HOUR, verb: 'stop', hosts: ['edge-1'] },
    });
  });
});

/** A small log: U1 restarts edge-1 and edge-2 (approved by U9), U2 is denied a stop, U2 reloads edge-1 (refused). */
async function seededLog(): Promise<MemoryAuditStore> {
  let now = T0;
  const store = new MemoryAuditStore(() => (now += 60_000));
  const add = (e: Partial<AuditEventInput> & Pick<AuditEventInput, 'type' | 'actor'>): Promise<unknown> => store.append({ data: {}, ...e });
  await add({ type: 'process.started', actor: 'system', data: { process: 'bot' } });
  await add({
    type: 'request.received',
    actor: 'U1',
    channel: 'C1',
    requestId: 'r1',
    verb: 'restart',
    data: { text: 'restart edges', target: 'edges' },
  });
  await add({ type: 'approval.granted', actor: 'U9', channel: 'C1', requestId: 'r1', data: {} });
  await add({
    type: 'request.queued',
    actor: 'U1',
    channel: 'C1',
    requestId: 'r1',
    verb: 'restart',
    data: { hosts: ['edge-1', 'edge-2'] },
  });
  for (const host of ['edge-1', 'edge-2']) {
    await add({ type: 'job.started', actor: 'worker:w1', requestId: 'r1', host, verb: 'restart', data: { requestedBy: 'U1' } });
    await add({
      type: 'job.result',
      actor: 'worker:w1',
      requestId: 'r1',
      host,
      verb: 'restart',
      data: { requestedBy: 'U1', outcome: host === 'edge-1' ? 'ok' : 'failed' },
    });
  }
  await add({ type: 'request.done', actor: 'system', channel: 'C1', requestId: 'r1', data: { threadTs: '1714557600.000100' } });
  await add({
    type: 'request.denied',
    actor: 'U2',
    channel: 'C1',
    requestId: 'r2',
    verb: 'stop',
    data: { reason: 'needs operator', target: 'all' },
  });
  await add({ type: 'request.received', actor: 'U2', channel: 'C2', requestId: 'r3', verb: 'reload', data: { target: 'edge-1' } });
  await add({
    type: 'job.result',
    actor: 'worker:w2',
    channel: 'C2',
    requestId: 'r3',
    host: 'edge-1',
    verb: 'reload',
    data: { requestedBy: 'U2', outcome: 'refused', threadTs: '1714560000.000200' },
  });
  return store;
}

describe('queryHistory on the real port (MemoryAuditStore)', () => {
  it('rows newest first, with requester, approver and thread from the request', async () => {
    const rows = await queryHistory(await seededLog(), { limit: 20 });
    expect(rows.map((r) => [r.user, r.verb, r.target, r.outcome, r.approver, r.threadTs])).toEqual([
      ['U2', 'reload', 'edge-1', 'refused', undefined, '1714560000.000200'],
      ['U2', 'stop', 'all', 'denied', undefined, undefined],
      ['U1', 'restart', 'edge-2', 'failed', 'U9', '1714557600.000100'],
      ['U1', 'restart', 'edge-1', 'ok', 'U9', '1714557600.000100'],
    ]);
    expect(rows[2]).toMatchObject({ channel: 'C1', approval: 'granted', requestId: 'r1' });
  });

  it('filters: hosts, verb, user, since, limit', async () => {
    const log = await seededLog();
    const hosts = (rows: HistoryRow[]): string[] => rows.map((r) => `${r.target ?? ''}:${r.verb ?? ''}`);
    expect(hosts(await queryHistory(log, { limit: 20, hosts: ['edge-1'] }))).toEqual(['edge-1:reload', 'edge-1:restart']);
    expect(hosts(await queryHistory(log, { limit: 20, hosts: ['edge-1', 'edge-2'] }))).toEqual([
      'edge-1:reload',
      'edge-2:restart',
      'edge-1:restart',
    ]);
    expect(hosts(await queryHistory(log, { limit: 20, verb: 'restart' }))).toEqual(['edge-2:restart', 'edge-1:restart']);
    expect(hosts(await queryHistory(log, { limit: 20, user: 'U2' }))).toEqual(['edge-1:reload', 'all:stop']);
    expect(hosts(await queryHistory(log, { limit: 1, hosts: ['edge-1', 'edge-2'] }))).toEqual(['edge-1:reload']);
    const last = log.records[log.records.length - 1];
    expect(hosts(await queryHistory(log, { limit: 20, since: Date.parse(last?.at ?? '') - 150_000 }))).toEqual([
      'edge-1:reload',
      'all:stop',
    ]);
  });

  it('the store fails closed: append rejects with audit_unavailable and stores nothing', async () => {
    const log = new MemoryAuditStore();
    log.failWrites = true;
    await expect(log.append({ type: 'request.received', actor: 'U1', data: {} })).rejects.toMatchObject({
      code: 'audit_unavailable',
      retryable: true,
    });
    expect(log.records).toHaveLength(0);
  });
});

describe('toHistoryRows: request-level outcomes', () => {
  it('an approval refused or expired is a row', () => {
    const base = { v: 1 as const, prev: '', hash: '', at: '2024-05-01T10:00:00.000Z', data: {} };
    const received = {
      ...base,
      seq: 1,
      type: 'request.received' as const,
      actor: 'U1',
      requestId: 'r',
      verb: 'stop',
      data: { target: 'edges' },
    };
    const denied = { ...base, seq: 2, type: 'approval.denied' as const, actor: 'U9', requestId: 'r' };
    const [row] = toHistoryRows([denied], new Map([['r', [received, denied]]]));
    expect(row).toMatchObject({ user: 'U1', verb: 'stop', target: 'edges', outcome: 'not approved', approver: 'U9', approval: 'denied' });
  });
});

describe('renderHistory', () => {
  const row: HistoryRow = {
    seq: 7,
    at: '2024-05-01T22:13:09.000Z',
    user: 'U01ALICE',
    verb: 'restart',
    target: 'edge-3',
    outcome: 'ok',
    approver: 'U09BOB',
    approval: 'granted',
    channel: 'C123',
    threadTs: '1700000000.000100',
  };

  it('a compact line per row: when, who, verb target, outcome, approver, thread link', () => {
    const m = renderHistory(
      [row, { ...row, seq: 6, user: 'worker:w1', outcome: 'denied', approver: undefined, channel: undefined, target: '<!here>' }],
      { target: 'edge-3', limit: 20, since: '7d', user: 'U01ALICE' },
    );
    expect(m.text.split('\n')).toEqual([
      '*History*: edge-3 · by <@U01ALICE> · since 7d (2 found)',
      '2024-05-01 22:13 UTC · <@U01ALICE> · *restart* edge-3 · :white_check_mark: ok · approved by <@U09BOB> · <https://slack.com/archives/C123/p1700000000000100|thread>',
      '2024-05-01 22:13 UTC · `worker:w1` · *restart* &lt;!\u200bhere&gt; · :no_entry: denied',
    ]);
    validateMessageBlocks(m.blocks);
    expect(slackToPlainText(m.text)).toContain('thread (https://slack.com/archives/C123/p1700000000000100)');
  });

  it('nothing found; many rows split over several blocks, each under the limit', () => {
    expect(renderHistory([], { limit: 20 }).text).toBe('*History*: all hosts (0 found)\nno matching records');
    const many = Array.from({ length: 50 }, (_, i) => ({ ...row, seq: i }));
    const m = renderHistory(many, { limit: 50 });
    expect(m.text).toMatch(/^\*History\*: all hosts \(newest 50\)/);
    expect((m.blocks ?? []).length).toBeGreaterThan(2);
    validateMessageBlocks(m.blocks);
  });

  it('thread links only from well-formed channel ids and timestamps', () => {
    expect(threadPermalink('C123', '1700000000.000100')).toBe('https://slack.com/archives/C123/p1700000000000100');
    expect(threadPermalink('C123', '1700000000.1')).toBe('https://slack.com/archives/C123/p1700000000100000');
    expect(threadPermalink('C1|x>', '1700000000.000100')).toBeUndefined();
    expect(threadPermalink('C123', '17000><')).toBeUndefined();
    expect(threadPermalink(undefined, '1700000000.000100')).toBeUndefined();
  });
});
