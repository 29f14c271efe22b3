import fs from 'node:fs';
import path from 'node:path';
import type { FleetHost } from '../../support/fleet';
import { CHANNEL, requestIdOf, startBotHarness, USERS, type BotHarness } from '../../support/bot-harness';
import { mediaDriverFor, type MediaDriver, type ReconnectingPublisher } from '../../support/media';
import type { SlackMessage } from '../../support/slack/standin-types';
import { claimHosts, getTestRun, releaseHosts } from '../../support/test-run';
import { waitUntil } from '../../support/wait-until';
import { publishPackage } from '../../srs-sim/install';
import { alive, pidOf } from './host-fixtures';

const APPROVER = 'U0APPR001';

/** A build that cannot start: the launcher says why on stderr and exits 1 before SRS forks (a bad artifact). */
function writeBrokenBuild(dir: string): string {
  const file = path.join(dir, 'srs-broken-build');
  fs.writeFileSync(
    file,
    '#!/bin/sh\necho "srs: error while loading shared libraries: libssl.so.9: cannot open shared object file" >&2\nexit 127\n',
    { mode: 0o755 },
  );
  return file;
}

async function versionOf(h: FleetHost): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${h.ports.api}/api/v1/versions`, { signal: AbortSignal.timeout(2000) });
    return ((await res.json()) as { data?: { version?: string } }).data?.version;
  } catch {
    return undefined;
  }
}

/**
 * An approval-gated rolling upgrade of a small fleet with live encoders, 5.0.216 to 6.0.157 (on real hosts: the two
 * real builds), through the whole path; one host's package is a broken build: that host is rolled back and the
 * rollout halts, the next host untouched. `rollout.sim.test.ts` and `rollout.real.test.ts` run it on both engines.
 */
export function describeRolloutConformance(engine: 'sim' | 'real', db: number): void {
  describe(`rolling upgrade on ${engine === 'real' ? 'real SRS' : 'the simulator'}: 5.0.216 to 6.0.157, approval, halt, rollback`, () => {
    let hosts: FleetHost[];
    let b: BotHarness;
    let media: MediaDriver;
    let publishers: ReconnectingPublisher[] = [];
    const host = (i: number) => hosts[i] as FleetHost;

    beforeAll(async () => {
      hosts = await claimHosts(3, { engine, version: '5.0.216' });
      const rename = Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`]));
      const hostExtra = Object.fromEntries(hosts.map((h) => [h.name, { groups: ['edges'] }]));
      b = await startBotHarness(hosts, db, {
        rename,
        hostExtra,
        extra: {
          approvals: { approvers: { all: [APPROVER] } },
          upgrade: {
            install: ['{root}/../bin/srs-install', '{version}', '--root', '{root}'],
            batchSize: 1,
            healthTimeoutMs: 15000,
            deadlineMs: 20000,
          },
          grace: { deadlineMs: 60000, pollMs: 300 },
        },
      });
      media = mediaDriverFor(engine);
    });
    afterAll(async () => {
      await Promise.all(publishers.map((p) => p.stop()));
      await media.closeAll();
      await b.close();
      releaseHosts(hosts);
    });

    const thread = (parent: SlackMessage) => b.standin.thread(CHANNEL, parent.ts);
    const parentOf = (id: string) =>
      b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 15000, `parent of ${id}`);

    it('upgrades edge-1, rolls edge-2 back from a broken build and halts; edge-3 is untouched; every step on record', async () => {
      for (const h of hosts) await getTestRun().fleet.resetHost(h.name);
      if (engine === 'sim') for (const h of hosts) publishPackage(h.hostDir, '6.0.157');
      publishPackage(host(1).hostDir, '6.0.157', { binary: writeBrokenBuild(path.join(host(1).hostDir, 'var/lib')) });
      publishers = hosts.map((h) => media.reconnectingPublisher(h, 'live/cam'));
      for (const h of hosts) {
        await waitUntil(
          async () => /"publish":\{"active":true/.test(await (await fetch(`http://127.0.0.1:${h.ports.api}/api/v1/streams/`)).text()),
          {
            timeoutMs: 20000,
            intervalMs: 200,
            description: `${h.name}: the encoder publishing`,
          },
        );
      }
      const pids = hosts.map(pidOf);

      const id = requestIdOf(await b.slash('upgrade edges 6.0.157 --batch 1 --rollback', { user: USERS.operator }));
      const parent = await parentOf(id);
      const card = await b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('asks to upgrade')), 30000, 'plan card');
      expect(card.text).toMatch(/`edge-1` 5\.0\.216 → \*6\.0\.157\*/);
      expect(card.text).toMatch(/batches of 1 \(\d batches\) · failure budget 0 · automatic rollback on/);
      expect((await b.press(card, 'srs_approval_approve', APPROVER)).status).toBe(200);

      const halted = await b.standin.waitFor(
        () => thread(parent).find((m) => /Rollout HALTED/.test(m.text) && m.text.startsWith(':')),
        240000,
        'the rollout halted',
      );
      expect(halted.text).toMatch(/edge-2: upgrade to 6\.0\.157 FAILED/);
      expect(halted.text).toMatch(/rolled back: 5\.0\.216 serves again/);
      expect(halted.text).toMatch(/`edge-3` untouched, runs 5\.0\.216/);

      expect(await versionOf(host(0))).toBe('6.0.157');
      expect(pidOf(host(0))).not.toBe(pids[0]);
      expect(alive(pidOf(host(0)))).toBe(true);
      await waitUntil(async () => (await versionOf(host(1))) === '5.0.216', { timeoutMs: 10000, description: 'edge-2 back on 5.0.216' });
      expect(alive(pidOf(host(1)))).toBe(true);
      expect(pidOf(host(2))).toBe(pids[2]);
      expect(await versionOf(host(2))).toBe('5.0.216');

      const texts = thread(parent)
        .map((m) => m.text)
        .join('\n');
      expect(texts).toMatch(/edge-1\* upgrade ok: upgraded 5\.0\.216 → 6\.0\.157/);
      expect(texts).not.toMatch(/should not start it again/);
      const records = await b.audit({ requestId: id, limit: 300 });
      const types = records.map((r) => r.type);
      for (const t of ['request.received', 'approval.requested', 'approval.granted', 'rollout.started', 'job.result', 'rollout.halted'])
        expect(types).toContain(t);
      expect(records.find((r) => r.type === 'approval.granted')?.actor).toBe(APPROVER);
    }, 300000);
  });
}
