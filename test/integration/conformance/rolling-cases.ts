import type { FleetHost } from '../../support/fleet';
import { CHANNEL, requestIdOf, startBotHarness, type BotHarness } from '../../support/bot-harness';
import { mediaDriverFor, type MediaDriver } from '../../support/media';
import type { SlackMessage } from '../../support/slack/standin-types';
import { claimHosts, getTestRun, releaseHosts } from '../../support/test-run';
import { alive, pidOf, stopAll } from './host-fixtures';
import { leaveOnDrain } from '../../support/leave-on-drain';

/**
 * A rolling graceful restart end to end (signed slash command -> survey -> plan -> the rollout engine -> workers ->
 * real sshd -> SRS), one host at a time, with viewers that leave once their host drains: every host a new process,
 * each host's drain and the total counted from what SRS reported. Defined once; `rolling.sim.test.ts` and
 * `rolling.real.test.ts` run it against the simulator and real SRS.
 */
export function describeRollingConformance(engine: 'sim' | 'real', db: number): void {
  describe(`rolling graceful restart on ${engine === 'real' ? 'real SRS' : 'the simulator'} with live viewers (end to end)`, () => {
    let hosts: FleetHost[];
    let b: BotHarness;
    let media: MediaDriver;

    beforeAll(async () => {
      hosts = await claimHosts(2, { engine, version: '6.0.157' });
      for (const h of hosts) await getTestRun().fleet.resetHost(h.name);
      const rename = Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`]));
      const hostExtra = Object.fromEntries(hosts.map((h) => [h.name, { groups: ['edges'] }]));
      b = await startBotHarness(hosts, db, {
        rename,
        hostExtra,
        extra: { grace: { deadlineMs: 60000, pollMs: 300 }, rolling: { healthTimeoutMs: 15000 } },
      });
      media = mediaDriverFor(engine);
    });
    afterAll(async () => {
      await media.closeAll();
      await stopAll();
      await b.close();
      releaseHosts(hosts);
    });

    it('one host at a time: each drains (viewers leave by themselves), restarts and passes its gate; 0 forced off, counted per host and in total', async () => {
      const pids = hosts.map(pidOf);
      const watchers = [];
      for (const h of hosts) {
        const viewers = [
          await media.connect(h, { kind: 'play', stream: 'live/a' }),
          await media.connect(h, { kind: 'play', stream: 'live/a' }),
        ];
        watchers.push(leaveOnDrain(h.ports.rtmp, async () => void (await Promise.all(viewers.map((v) => v.leave()))), 500));
      }
      const id = requestIdOf(await b.slash('restart edges --graceful'));
      const parent = await b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000, `parent of ${id}`);
      const thread = (p: SlackMessage) => b.standin.thread(CHANNEL, p.ts);
      const final = await b.standin.waitFor(
        () => thread(parent).find((m) => /^:(white_check_mark|octagonal_sign): Rollout/.test(m.text)),
        150000,
        'the rollout ends',
      );
      for (const w of watchers) w.stop();
      expect(final.text).toMatch(/^:white_check_mark: Rollout done/);
      expect(final.text).toContain('`edge-1` done · 2 clients: 2 left on their own, 0 forced off');
      expect(final.text).toContain('`edge-2` done · 2 clients: 2 left on their own, 0 forced off');
      expect(final.text).toContain('Drain: 4 clients on 2 hosts, 4 left on their own, *0 forced off*');
      hosts.forEach((h, i) => {
        expect(pidOf(h)).not.toBe(pids[i]);
        expect(alive(pidOf(h))).toBe(true);
      });
      const results = await b.audit({ requestId: id, types: ['job.started', 'job.result'] });
      const seq = (type: string, host: string) => results.find((r) => r.type === type && r.host === host)?.seq ?? NaN;
      expect(seq('job.result', 'edge-1')).toBeLessThan(seq('job.started', 'edge-2')); // one host at a time
    }, 200000);
  });
}
