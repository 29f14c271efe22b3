import type { VerbResult } from '../../../src/core/verb-result';
import { VERB_DESCRIPTIONS, SERVICE_VERBS } from '../../../src/core/verbs';
import { listHosts } from '../../../src/core/list-hosts';
import {
  HOST_RESULT_MAX_CHARS,
  planLines,
  renderDenied,
  renderHelp,
  renderHostResult,
  renderHosts,
  renderQueueUnavailable,
  renderRequestParent,
  renderUsageError,
  summarizeResults,
  ZWSP,
} from '../../../src/presentation';
import { describeClients, plural } from '../../../src/core/text/plural';
import type { Plan } from '../../../src/core/rollout/plan';
import { validateMessageBlocks } from '../../support/slack/block-validation';
import { renderBlocks } from '../../support/slack/render-blocks';

function result(over: Partial<VerbResult> = {}): VerbResult {
  return {
    v: 1,
    host: 'edge-3',
    verb: 'restart',
    outcome: 'ok',
    summary: 'running (pid 4242), SRS 6.0.184, up 2s',
    before: { state: 'running', pid: 4100, apiUp: true, version: '6.0.184', uptimeSeconds: 86_500, clients: 12 },
    after: { state: 'running', pid: 4242, apiUp: true, version: '6.0.184', uptimeSeconds: 2, clients: 0 },
    evidence: ['pid 4100 gone', 'new pid 4242 serves the API (service id changed)'],
    exitCode: 0,
    durationMs: 3240,
    output: 'Stopping SRS(pid 4100)... \u001b[32mOK\u001b[0m\nStarting SRS... \u001b[32mOK\u001b[0m',
    ...over,
  };
}

function sectionTexts(blocks: unknown[] | undefined): string[] {
  return (blocks ?? []).flatMap((b) => {
    const block = b as { type: string; text?: { text: string }; elements?: Array<{ text: string }> };
    return block.type === 'section' ? [block.text?.text ?? ''] : (block.elements ?? []).map((e) => e.text);
  });
}

describe('renderHelp', () => {
  it('viewer: only what a viewer may run, and what needs more', () => {
    const m = renderHelp('viewer');
    expect(m.text).toContain('(role: viewer)');
    expect(m.text).toContain(`\`/srs status &lt;target&gt;\`: ${VERB_DESCRIPTIONS.status}`);
    expect(m.text).toContain('`/srs hosts [group]`');
    expect(m.text).toContain('`/srs help`');
    expect(m.text).not.toContain('/srs restart');
    expect(m.text).toContain('start, stop, restart, reload, rotate, grace, upgrade need the operator role');
    validateMessageBlocks(m.blocks);
  });

  it.each(['operator', 'admin'] as const)('%s: every verb with its description', (role) => {
    const m = renderHelp(role);
    for (const v of SERVICE_VERBS)
      expect(m.text).toMatch(new RegExp(`\`/srs ${v} &lt;target&gt;[^\`]*\`: ${VERB_DESCRIPTIONS[v].replace(/[()]/g, '\\$&')}`));
    expect(m.text).toContain('`/srs restart &lt;target&gt; [--graceful [--deadline 5m]]`');
    expect(m.text).toContain('`/srs grace &lt;target&gt; [--deadline 5m]`');
    expect(m.text).toContain('`/srs cancel &lt;request or job id&gt;`');
    expect(m.text).not.toContain('need the operator role');
    expect(renderBlocks(m.blocks).join('\n')).toBe(m.text);
  });
});

describe('renderHosts', () => {
  const hosts = [
    { name: 'edge-1', address: '10.0.0.1', port: 22, groups: ['edges', 'prod'], serviceManager: 'initd' as const },
    { name: 'origin-1', address: 'fd00::1', port: 2222, groups: [], serviceManager: 'systemd' as const },
  ];

  it('a table of name, address:port, groups, service manager', () => {
    const m = renderHosts(listHosts(hosts));
    expect(m.text).toBe(
      [
        '*2 hosts*',
        '```',
        'NAME      ADDRESS         GROUPS      SERVICE',
        'edge-1    10.0.0.1:22     edges,prod  initd',
        'origin-1  [fd00::1]:2222  -           systemd',
        '```',
      ].join('\n'),
    );
    validateMessageBlocks(m.blocks);
  });

  it('a group, an error, nothing', () => {
    expect(renderHosts(listHosts(hosts, 'prod')).text).toMatch(/^\*1 host\* in group prod\n/);
    expect(renderHosts(listHosts(hosts, 'prd')).text).toBe(':warning: unknown group `prd` (did you mean prod?); groups: edges, prod');
    expect(renderHosts({ rows: [] }).text).toBe('no hosts');
  });

  it('a big fleet fits one section, with a +N more line', () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ ...hosts[0]!, name: `edge-${i}` }));
    const m = renderHosts({ rows: many });
    validateMessageBlocks(m.blocks);
    expect(m.text.length).toBeLessThanOrEqual(3000);
    expect(m.text).toMatch(/^\*400 hosts\*/);
    expect(m.text).toMatch(/\n\+\d+ more; `\/srs hosts &lt;group&gt;` shows one group$/);
  });
});

describe('renderRequestParent', () => {
  it('queued: who, verb, targets, request id', () => {
    const m = renderRequestParent({ requestId: 'r-7f3a', userId: 'U123', verb: 'restart', hosts: ['edge-1', 'edge-2'], state: 'queued' });
    expect(m.text).toBe(':hourglass_flowing_sand: <@U123> asked for *restart* on edge-1, edge-2 (2 hosts): queued · request `r-7f3a`');
    validateMessageBlocks(m.blocks);
  });

  it('many targets collapse to the first 10 and +N more', () => {
    const hosts = Array.from({ length: 25 }, (_, i) => `edge-${i + 1}`);
    const m = renderRequestParent({ requestId: 'r1', userId: 'U123', verb: 'status', hosts, state: 'running' });
    expect(m.text).toContain(
      'on edge-1, edge-2, edge-3, edge-4, edge-5, edge-6, edge-7, edge-8, edge-9, edge-10 +15 more (25 hosts): running',
    );
    expect(m.text).not.toContain('edge-11');
  });

  it('done: the summary and total time; the emoji follows the outcomes', () => {
    const ok = summarizeResults([result()], 1);
    const mixed = summarizeResults([result(), result({ host: 'edge-2', outcome: 'failed' })], 3);
    const base = { requestId: 'r1', userId: 'U123', verb: 'restart' as const, hosts: ['edge-3'], state: 'done' as const };
    expect(renderRequestParent({ ...base, summary: ok, elapsedMs: 42_000 }).text).toBe(
      ':white_check_mark: <@U123> asked for *restart* on edge-3: done: 1 ok in 42.0s · request `r1`',
    );
    expect(renderRequestParent({ ...base, summary: mixed, elapsedMs: 125_000 }).text).toContain(':x: <@U123>');
    expect(renderRequestParent({ ...base, summary: mixed }).text).toContain('done: 1 ok, 1 failed, 1 pending · request');
    expect(renderRequestParent({ ...base, summary: '2 ok, 1 refused' }).text).toMatch(/^:warning: .*done: 2 ok, 1 refused/);
    expect(renderRequestParent({ ...base, summary: '1 failed' }).text).toMatch(/^:x: /);
  });

  it('a malformed user id or request id is shown escaped, never as a mention', () => {
    const m = renderRequestParent({ requestId: '<!here>', userId: '<!channel>', verb: 'stop', hosts: ['edge-1'], state: 'queued' });
    expect(m.text).not.toMatch(/[<>]/);
    expect(m.text).toContain(`someone (\`&lt;!${ZWSP}channel&gt;\`)`);
  });
});

describe('renderHostResult', () => {
  it('emoji, host, verb, summary; before -> after; duration, exit code; evidence; output', () => {
    const m = renderHostResult(result());
    expect(m.text).toBe(
      [
        ':white_check_mark: *edge-3* restart ok: running (pid 4242), SRS 6.0.184, up 2s',
        'state: running (pid 4100), SRS 6.0.184, up 1d 0h, 12 players → running (pid 4242), SRS 6.0.184, up 2s, 0 players',
        'took 3.2s · exit 0',
        '• pid 4100 gone',
        '• new pid 4242 serves the API (service id changed)',
        '```',
        'Stopping SRS(pid 4100)... OK',
        'Starting SRS... OK',
        '```',
      ].join('\n'),
    );
    validateMessageBlocks(m.blocks);
    expect(renderBlocks(m.blocks).sort()).toEqual(m.text.split('\n').sort());
  });

  it('noop reads unchanged; errors show their code; no output, no block', () => {
    const noop = renderHostResult(
      result({ verb: 'start', outcome: 'noop', summary: 'already running', before: result().after, output: '', exitCode: null }),
    );
    expect(noop.text).toMatch(
      /^:heavy_minus_sign: \*edge-3\* start unchanged: already running\nstate: running .* \(unchanged\)\ntook 3\.2s$/m,
    );
    expect(noop.text).not.toContain('```');
    const lost = renderHostResult(
      result({ outcome: 'unknown', errorCode: 'ssh_connect_timeout', after: { state: 'unknown', apiUp: false }, durationMs: 5012 }),
    );
    expect(lost.text).toContain(':grey_question: *edge-3* restart unknown');
    expect(lost.text).toContain('→ unknown (host not reachable)');
    expect(lost.text).toContain('took 5.0s · exit 0 · error: ssh_connect_timeout');
  });

  it('escapes mentions and markup coming from the host', () => {
    const m = renderHostResult(
      result({
        host: 'edge-3',
        summary: 'failed <!channel> see <https://evil|here>',
        evidence: ['log: <@U999> @here', 'config: ``` broken'],
        output: 'error <!everyone>\n```\n*bold*',
        after: { state: 'running', pid: 1, apiUp: true, version: '<!here>6' },
      }),
    );
    for (const t of [m.text, ...sectionTexts(m.blocks)]) {
      expect(t).not.toMatch(/[<>]/);
      expect(t).not.toMatch(/[!@](?:channel|here|everyone)/i);
    }
    expect(m.text.split('```').length).toBe(3);
    expect(m.text).toContain('• config: `\u200b`\u200b` broken');
  });

  it('stays under the caps with huge output and evidence, keeping the end of the output', () => {
    const m = renderHostResult(
      result({
        outcome: 'failed',
        summary: 's'.repeat(5000),
        evidence: Array.from({ length: 200 }, (_, i) => `evidence ${i} ${'&'.repeat(400)}`),
        output: `${'noise\n'.repeat(20_000)}FATAL: bind 0.0.0.0:1935 failed`,
        before: { state: 'running', pid: 1, apiUp: true, version: 'v'.repeat(5000) },
      }),
    );
    expect(m.text.length).toBeLessThanOrEqual(HOST_RESULT_MAX_CHARS);
    expect(sectionTexts(m.blocks).join('\n').length).toBeLessThanOrEqual(HOST_RESULT_MAX_CHARS);
    validateMessageBlocks(m.blocks);
    expect(m.text).toContain('• +');
    expect(m.text).toMatch(/\[\.\.\. \d+ chars cut\]/);
    expect(m.text).toContain('FATAL: bind 0.0.0.0:1935 failed\n```');
  });
});

describe('summarizeResults', () => {
  it('counts outcomes; zero counts left out; noop reads unchanged; the rest pending', () => {
    const rs = [
      result({ host: 'a' }),
      result({ host: 'b' }),
      result({ host: 'c' }),
      result({ host: 'd', outcome: 'failed' }),
      result({ host: 'e', outcome: 'noop' }),
      result({ host: 'f', outcome: 'refused' }),
      result({ host: 'g', outcome: 'unknown' }),
    ];
    expect(summarizeResults(rs.slice(0, 4), 4)).toEqual({
      ok: 3,
      noop: 0,
      failed: 1,
      refused: 0,
      unknown: 0,
      pending: 0,
      text: '3 ok, 1 failed',
    });
    expect(summarizeResults(rs, 9).text).toBe('3 ok, 1 unchanged, 1 failed, 1 refused, 1 unknown, 2 pending');
    expect(summarizeResults([], 3).text).toBe('3 pending');
    expect(summarizeResults([], 0).text).toBe('no hosts');
  });

  it('a result delivered twice counts once (the last wins)', () => {
    const s = summarizeResults([result({ outcome: 'unknown' }), result({ outcome: 'ok' })], 1);
    expect(s).toMatchObject({ ok: 1, unknown: 0, pending: 0, text: '1 ok' });
  });
});

describe('ephemerals', () => {
  it('one line each', () => {
    expect(renderDenied('`restart` needs the operator role')).toEqual({ text: ':no_entry: `restart` needs the operator role' });
    expect(renderUsageError('unknown verb `x`')).toEqual({ text: ':warning: unknown verb `x`' });
    expect(renderQueueUnavailable().text).toMatch(/^:warning: the job queue \(Redis\) is not reachable, so nothing was started/);
    expect(renderQueueUnavailable().text).not.toContain('\n');
  });
});

describe('counts', () => {
  it('one way to write a count: singular for one, players and publishers apart', () => {
    expect([0, 1, 2].map((n) => plural(n, 'client'))).toEqual(['0 clients', '1 client', '2 clients']);
    expect(describeClients(3, 1)).toBe('3 players, 1 publisher');
    expect(describeClients(1, 0)).toBe('1 player');
    expect(describeClients(0, 2)).toBe('2 publishers');
    expect(describeClients(0, 0)).toBe('no clients');
    expect(describeClients(1)).toBe('1 player');
    expect(describeClients(undefined, 1)).toBe('? clients');
  });

  it('the state line and the plan card say players and publishers, never "1 clients"', () => {
    const r = result({
      before: { state: 'running', pid: 1, apiUp: true, version: '6.0.157', clients: 2, publishers: 1 },
      after: { state: 'running', pid: 1, apiUp: true, version: '6.0.157', clients: 1, publishers: 0 },
    });
    expect(renderHostResult(r).text).toContain('SRS 6.0.157, 2 players, 1 publisher → running (pid 1), SRS 6.0.157, 1 player');
    const plan: Plan = {
      v: 1,
      id: 'r-1',
      verb: 'upgrade',
      target: 'edge-1',
      version: '6.0.157',
      skipped: [],
      batchSize: 1,
      failureBudget: 0,
      rollback: true,
      requiredApprovals: 1,
      approvers: [],
      requestedBy: 'U1',
      channelId: 'C1',
      createdAt: 0,
      expiresAt: 1,
      hash: 'h',
      hosts: [{ name: 'edge-1', batch: 0, from: '5.0.216', state: 'running', apiUp: true, clients: 0, publishers: 1, streams: 1 }],
    };
    expect(planLines(plan).join('\n')).toContain('(1 publisher, 1 stream) :warning: 5.0.216 does not drain: its clients are dropped');
  });
});
