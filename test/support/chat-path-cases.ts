import fs from 'node:fs';
import net from 'node:net';
import type { FleetHost } from './fleet';
import { CHANNEL, OTHER_CHANNEL, requestIdOf, startBotHarness, USERS, type BotHarness } from './bot-harness';
import type { TransportKind } from './slack/chat-transport';
import { claimHosts, getTestRun, releaseHosts } from './test-run';
import { pidAlive } from './worker-harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sim = require('../srs-sim/install.js') as { breakConfig: (root: string) => void; restoreConfig: (root: string) => void };

export const pidOf = (h: FleetHost): number => Number(fs.readFileSync(h.pidFile, 'utf8').trim());

/** What a transport's own cases get: the running harness and its hosts (edge-1..edge-6 by index). */
export interface ChatPathContext {
  b: BotHarness;
  host: (i: number) => FleetHost;
}

/**
 * The chat path, one case list for every transport: `/srs` from the Slack stand-in into Bolt (signed HTTP or Socket
 * Mode), through Redis and workers to real sshd hosts, back into the thread. Six simulator hosts named edge-1..6
 * (edge-3..5 in group `edges`); a 5 s grace deadline. In Socket Mode every test ends with every envelope acked once,
 * within 3 s. `own` adds the transport's own cases, run after the shared ones on the same harness.
 */
export function describeChatPath(transport: TransportKind, db: number, own?: (h: () => ChatPathContext) => void): void {
  describe(`/srs over ${transport === 'http' ? 'signed HTTP' : 'Socket Mode'} into Bolt, through Redis and workers to real hosts, back into the thread`, () => {
    let hosts: FleetHost[];
    let b: BotHarness;
    const named = (i: number) => hosts[i] as FleetHost;
    const h = (): ChatPathContext => ({ b, host: named });

    beforeAll(async () => {
      hosts = await claimHosts(6, { serviceManager: 'initd', version: '6.0.184' });
      const rename: Record<string, string> = {};
      const hostExtra: Record<string, Record<string, unknown>> = {};
      hosts.forEach((host, i) => {
        rename[host.name] = `edge-${i + 1}`;
        hostExtra[host.name] = { groups: i >= 2 && i <= 4 ? ['edges'] : ['other'] };
      });
      const grace = { deadlineMs: 5000, pollMs: 400, killMarginMs: 1000, extendMs: 60000 };
      b = await startBotHarness(hosts, db, { rename, hostExtra, extra: { grace } }, { transport });
    });
    afterAll(async () => {
      await b.close();
      releaseHosts(hosts);
    });
    afterEach(() => {
      b.transport.socket?.verify();
    });

    it('/srs status edge-1: ack within 3 s, a parent message, one reply with the confirmed state, then the summary', async () => {
      const ack = await b.slash('status edge-1');
      expect(ack.status).toBe(200);
      expect(ack.ms).toBeLessThan(3000);
      expect(JSON.parse(ack.body)).toMatchObject({ response_type: 'ephemeral' });
      const id = requestIdOf(ack);
      const { parent, replies } = await b.finished(id);
      expect(parent.text).toContain(`<@${USERS.operator}> asked for *status* on edge-1`);
      expect(parent.text).toMatch(/done: 1 ok/);
      expect(parent.edits[0]?.text).toMatch(/queued/);
      expect(replies).toHaveLength(1);
      expect(replies[0]?.text).toMatch(new RegExp(`\\*edge-1\\* status .*running \\(pid ${pidOf(named(0))}\\), SRS 6\\.0\\.184, up`));
    });

    it('/srs restart edges: rolls one host at a time (the rolling policy), one reply per host, new processes, summary 3 ok', async () => {
      const before = [2, 3, 4].map((i) => pidOf(named(i)));
      const id = requestIdOf(await b.slash('restart edges'));
      const { parent, replies } = await b.finished(id, 90000);
      expect(parent.text).toMatch(/on edge-3, edge-4, edge-5 \(3 hosts\): done: 3 ok/);
      const results = replies.filter(
        (r) => /^\S+ \*edge-\d\* restart/.test(r.text) || /\*edge-\d\* restart/.test(r.text.split('\n')[0] ?? ''),
      );
      expect(results.map((r) => /\*(edge-\d)\*/.exec(r.text)?.[1]).sort()).toEqual(['edge-3', 'edge-4', 'edge-5']);
      for (const r of results) expect(r.text).toMatch(/restart ok: restarted: pid \d+ → \d+/);
      expect(replies.filter((r) => r.text.startsWith(':arrow_forward: Batch')).map((r) => r.text)).toEqual([
        expect.stringContaining('Batch 1 of 3 started: `edge-3`'),
        expect.stringContaining('Batch 2 of 3 started: `edge-4`'),
        expect.stringContaining('Batch 3 of 3 started: `edge-5`'),
      ]);
      [2, 3, 4].forEach((i, k) => {
        const now = pidOf(named(i));
        expect(now).not.toBe(before[k]);
        expect(pidAlive(now)).toBe(true);
        expect(pidAlive(before[k])).toBe(false);
      });
    });

    it('/srs reload edge-2 with a broken config: refused in the thread, SRS untouched', async () => {
      const pid = pidOf(named(1));
      sim.breakConfig(named(1).root);
      try {
        const { parent, replies } = await b.finished(requestIdOf(await b.slash('reload edge-2')));
        expect(parent.text).toMatch(/done: 1 refused/);
        expect(replies[0]?.text).toMatch(/reload REFUSED: conf\/srs.conf fails `srs -t`/);
        expect(replies[0]?.text).toMatch(/test is failed/);
        expect(pidOf(named(1))).toBe(pid);
        expect(pidAlive(pid)).toBe(true);
      } finally {
        sim.restoreConfig(named(1).root);
      }
    });

    it('/srs start on a host whose port is taken: the false OK of init.d is reported as a failure', async () => {
      const host = named(5);
      await b.finished(requestIdOf(await b.slash('stop edge-6')));
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(host.ports.rtmp, '127.0.0.1', r));
      try {
        const { parent, replies } = await b.finished(requestIdOf(await b.slash('start edge-6')));
        expect(parent.text).toMatch(/done: 1 failed/);
        expect(replies[0]?.text).toMatch(/start FAILED/);
        expect(replies[0]?.text).toMatch(/SocketBind/);
        expect(replies[0]?.text).toMatch(/exit 0/);
      } finally {
        await new Promise((r) => blocker.close(r));
      }
    });

    it('an unknown host gets a suggestion and nothing is posted or queued', async () => {
      const posted = b.standin.callsTo('chat.postMessage').length;
      const ack = await b.slash('status edge-30');
      expect(ack.status).toBe(200);
      expect((JSON.parse(ack.body) as { text: string }).text).toMatch(/unknown host `?edge-30`? \(did you mean `?edge-3`?\?\)/);
      await new Promise((r) => setTimeout(r, 300));
      expect(b.standin.callsTo('chat.postMessage').length).toBe(posted);
    });

    it('denies a user not in the config, a viewer running a verb, and a channel not allowed, saying why', async () => {
      const stranger = JSON.parse((await b.slash('status edge-1', { user: USERS.stranger })).body) as { text: string };
      expect(stranger.text).toMatch(/not in srs-chatops's user list.*U0STRANGE/);
      const viewer = JSON.parse((await b.slash('restart edge-1', { user: USERS.viewer })).body) as { text: string };
      expect(viewer.text).toMatch(/viewer/i);
      const channel = JSON.parse((await b.slash('status edge-1', { channel: OTHER_CHANNEL })).body) as { text: string };
      expect(channel.text).toMatch(new RegExp(`not allowed in this channel.*<#${CHANNEL}>`));
      const viewerStatus = await b.slash('status edge-1', { user: USERS.viewer });
      expect((JSON.parse(viewerStatus.body) as { text: string }).text).toMatch(/Queued `status`/);
      await b.finished(requestIdOf(viewerStatus));
    });

    it('help and hosts answer ephemerally with what the caller may do', async () => {
      const help = JSON.parse((await b.slash('help', { user: USERS.viewer })).body) as { text: string };
      expect(help.text).toMatch(/status/);
      expect(help.text).not.toMatch(/`\/srs restart/);
      const list = JSON.parse((await b.slash('hosts edges')).body) as { text: string };
      expect(list.text).toMatch(/edge-3/);
      expect(list.text).not.toMatch(/edge-1\b/);
    });

    it('a changed host key: the thread says so loudly and nothing runs there', async () => {
      const host = named(0);
      await getTestRun().fleet.rotateHostKey(host.name);
      await b.worker.ssh.close();
      const pid = pidOf(host);
      try {
        const { parent, replies } = await b.finished(requestIdOf(await b.slash('stop edge-1')));
        expect(parent.text).toMatch(/done: 1 unknown/);
        expect(replies[0]?.text).toMatch(/REFUSED: the host key of edge-1 has CHANGED/);
        expect(pidAlive(pid)).toBe(true);
      } finally {
        await getTestRun().fleet.resetHost(host.name);
      }
    });

    it('/srs status all on more than 5 hosts: the summary, then one compact table in the thread (no minute of paced replies)', async () => {
      const { parent } = await b.finished(requestIdOf(await b.slash('status all')), 30000);
      expect(parent.text).toMatch(/on all \(6 hosts\): done: 6 ok/);
      // The summary edit does not wait for the table's (paced) posts; the table follows in the thread.
      const replies = await b.standin.waitFor(
        (s) => (s.thread(CHANNEL, parent.ts).length > 0 ? s.thread(CHANNEL, parent.ts) : undefined),
        10000,
        'the compact table',
      );
      // One table message naming each host once (every host ok: no failure replies).
      expect(replies).toHaveLength(1);
      for (let i = 1; i <= 6; i++) expect(replies[0]?.text.match(new RegExp(`\\*edge-${i}\\*`, 'g'))).toHaveLength(1);
    });

    own?.(h);
  });
}
