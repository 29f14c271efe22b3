import type { FleetHost } from '../../support/fleet';
import { CHANNEL, requestIdOf, startBotHarness, USERS, type BotHarness } from '../../support/bot-harness';
import { mediaDriverFor, type MediaClient, type MediaDriver } from '../../support/media';
import type { SlackMessage } from '../../support/slack/standin-types';
import { claimHosts, getTestRun, releaseHosts } from '../../support/test-run';
import { alive, pidOf, stopAll } from './host-fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Graceful quits end to end (signed slash command -> bot -> Redis -> worker -> real sshd -> SRS, answers in the Slack
 * stand-in's thread), with live clients, and the graceful restart that has to wait out the old process's zombie.
 * Defined once; `grace.sim.test.ts` and `grace.real.test.ts` run it against the simulator and real SRS.
 */
export function describeGraceConformance(engine: 'sim' | 'real', db: number): void {
  describe(`graceful quit on ${engine === 'real' ? 'real SRS' : 'the simulator'} with live clients (end to end)`, () => {
    let hosts: FleetHost[];
    let old: FleetHost;
    let b: BotHarness;
    let media: MediaDriver;
    const host = (i: number) => hosts[i] as FleetHost;

    beforeAll(async () => {
      hosts = await claimHosts(4, { engine, version: '6.0.157' });
      [old] = (await claimHosts(1, { engine, version: '5.0.216' })) as [FleetHost];
      const all = [...hosts, old];
      const rename = Object.fromEntries(all.map((h, i) => [h.name, h === old ? 'old-1' : `edge-${i + 1}`]));
      b = await startBotHarness(all, db, { rename, extra: { grace: { deadlineMs: 60000, pollMs: 300, killMarginMs: 1000 } } });
      media = mediaDriverFor(engine);
    });
    afterEach(async () => {
      await media.closeAll();
      await stopAll();
    });
    afterAll(async () => {
      await b.close();
      releaseHosts([...hosts, old]);
    });

    const thread = (parent: SlackMessage) => b.standin.thread(CHANNEL, parent.ts);
    const parentOf = (id: string) =>
      b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000, `parent of ${id}`);
    const reply = (parent: SlackMessage, pattern: RegExp, timeoutMs = 30000) =>
      b.standin.waitFor(() => thread(parent).find((m) => pattern.test(m.text)), timeoutMs, `a reply matching ${String(pattern)}`);
    const board = (parent: SlackMessage) => thread(parent).find((m) => m.text.startsWith('*Graceful'));
    const clientsOn = async (h: FleetHost): Promise<MediaClient[]> => [
      await media.connect(h, { kind: 'publish', stream: 'live/a' }),
      await media.connect(h, { kind: 'play', stream: 'live/a' }),
      await media.connect(h, { kind: 'play', stream: 'live/a' }),
    ];

    it('clients leaving during the drain: pre-flight counts them now, the live count falls, milestones in order, exit confirmed', async () => {
      const h = host(0);
      await getTestRun().fleet.resetHost(h.name);
      const pid = pidOf(h);
      const [publisher, ...players] = await clientsOn(h);
      const id = requestIdOf(await b.slash('grace edge-1'));
      const parent = await parentOf(id);
      await reply(parent, /listeners closed/);
      for (const c of [...players, publisher]) {
        await sleep(1500);
        await c?.leave();
      }
      const { parent: done, replies } = await b.finished(id, 60000);
      expect(done.text).toMatch(/done: 1 ok/);
      const texts = replies.map((r) => r.text);
      const pre = texts.findIndex((t) => /pre-flight: SRS 6\.0\.157 \(pid \d+\)/.test(t));
      expect(pre).toBeGreaterThanOrEqual(0);
      expect(texts[pre]).toMatch(/2 players, 1 publisher\b/);
      const order = ['listeners closed', 'drained: every client left', 'exited: process ended'].map((m) =>
        texts.findIndex((t) => t.includes(m)),
      );
      expect(order.every((i) => i > pre)).toBe(true);
      expect([...order].sort((x, y) => x - y)).toEqual(order);
      const versions = [...(board(done)?.edits ?? []).map((e) => e.text), board(done)?.text ?? ''];
      const counts = versions.flatMap((t) => [...t.matchAll(/(\d+) clients? left/g)].map((m) => Number(m[1])));
      expect(counts[0]).toBe(3);
      // The status message shows the drained state itself (it used to lag the milestone by an edit slot and skip it).
      expect(versions.some((t) => /drained: every client left/.test(t))).toBe(true);
      for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1] ?? 0);
      expect(texts.join('\n')).toMatch(/edge-1\* grace ok: drained and exited [\d.]+s after SIGQUIT/);
      expect(texts.join('\n')).not.toMatch(/\b1 clients\b/);
      expect(texts.join('\n')).not.toMatch(/not a zombie[^\n]*zombie/);
      expect(alive(pid)).toBe(false);
      // The drain count the result carries (and a rolling restart adds up): every client left on its own.
      expect(texts.join('\n')).toContain('Drain: 3 clients: 3 left on their own, 0 forced off');
      const [result] = await b.audit({ requestId: id, types: ['job.result'] });
      expect(result?.data.drain).toEqual({ atStart: 3, drained: 3, forcedOff: 0, dropped: 0, deadlineHit: false });
    });

    it('a stuck client at the deadline: Force quit, and the result says exactly how many clients were forced off', async () => {
      const h = host(1);
      await getTestRun().fleet.resetHost(h.name);
      const pid = pidOf(h);
      await clientsOn(h);
      await media.connect(h, { kind: 'flv', stream: 'live/a' });
      const id = requestIdOf(await b.slash('grace edge-2 --deadline 4s', { user: USERS.operator }));
      const parent = await parentOf(id);
      const prompt = await reply(parent, /still draining.*deadline|deadline.*still draining/s, 40000);
      await b.press(prompt, 'srs_grace_force', USERS.operator);
      const { parent: done, replies } = await b.finished(id, 40000);
      expect(done.text).toMatch(/done: 1 ok/);
      const texts = replies.map((r) => r.text).join('\n');
      expect(texts).toMatch(/exited after a force quit/);
      expect(texts).toMatch(/\b4 clients forced off\b/);
      expect(alive(pid)).toBe(false);
      const records = (await b.audit({ limit: 200 })).filter((r) => r.requestId === id);
      expect(JSON.stringify(records)).toMatch(/"forcedOff":4\b/);
      const result = records.find((r) => r.type === 'job.result');
      expect(result?.data.drain).toMatchObject({ atStart: 4, drained: 0, forcedOff: 4, deadlineHit: true });
    });

    it('no clients: drains at once and exits', async () => {
      const h = host(2);
      await getTestRun().fleet.resetHost(h.name);
      const pid = pidOf(h);
      const id = requestIdOf(await b.slash('grace edge-3'));
      const { parent, replies } = await b.finished(id, 40000);
      expect(parent.text).toMatch(/done: 1 ok/);
      const texts = replies.map((r) => r.text).join('\n');
      expect(texts).toMatch(/pre-flight: SRS 6\.0\.157 \(pid \d+\), no clients/);
      expect(texts).toMatch(/grace ok: drained and exited/);
      // The state after is read once the exited SRS is reaped (a moment, as on a real host), not as a passing zombie.
      expect(texts).not.toMatch(/has not reaped it/);
      expect(alive(pid)).toBe(false);
    });

    it('SRS 5.0: warns that every client drops, sends nothing until confirmed, then reports how many were dropped', async () => {
      await getTestRun().fleet.resetHost(old.name);
      const pid = pidOf(old);
      await media.connect(old, { kind: 'publish', stream: 'live/a' });
      await media.connect(old, { kind: 'play', stream: 'live/a' });
      const id = requestIdOf(await b.slash('grace old-1'));
      const { parent, replies } = await b.finished(id, 30000);
      expect(parent.text).toMatch(/done: 1 refused/);
      const ask = replies.find((r) => r.text.includes('does NOT drain'));
      expect(ask?.text).toMatch(/1 player, 1 publisher\b/);
      await sleep(1000);
      expect(alive(pid)).toBe(true);
      await b.press(ask as SlackMessage, 'srs_grace_confirm', USERS.admin);
      const after = await b.standin.waitFor(() => {
        const p = b.standin.message(CHANNEL, parent.ts);
        return p && /done: 1 ok/.test(p.text) ? p : undefined;
      }, 30000);
      expect(after.text).toMatch(/done: 1 ok/);
      const texts = thread(parent)
        .map((m) => m.text)
        .join('\n');
      expect(texts).toMatch(/quit without draining/);
      expect(texts).toMatch(/\b2 clients dropped\b/);
      expect(texts).not.toMatch(/drained and exited/);
      expect(alive(pid)).toBe(false);
    });

    it('a graceful restart with live clients: drain, exit, wait out the zombie, start a new process that serves', async () => {
      const h = host(3);
      await getTestRun().fleet.resetHost(h.name);
      const pid = pidOf(h);
      const [publisher, player] = await clientsOn(h);
      const id = requestIdOf(await b.slash('restart edge-4 --graceful'));
      const parent = await parentOf(id);
      await reply(parent, /listeners closed/);
      await sleep(1000);
      await player?.leave();
      await publisher?.leave();
      await media.closeAll();
      const { parent: done, replies } = await b.finished(id, 60000);
      const texts = replies.map((r) => r.text).join('\n');
      expect(texts).not.toMatch(/should not start it again/);
      expect(done.text).toMatch(/done: 1 ok/);
      expect(texts).toMatch(/gracefully restarted/);
      const newPid = pidOf(h);
      expect(newPid).not.toBe(pid);
      expect(alive(newPid)).toBe(true);
      expect(alive(pid)).toBe(false);
      await media.connect(h, { kind: 'publish', stream: 'live/again' });
    });
  });
}
