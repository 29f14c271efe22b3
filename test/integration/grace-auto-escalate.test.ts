import type { FleetHost } from '../support/fleet';
import { requestIdOf, startBotHarness, type BotHarness } from '../support/bot-harness';
import { claimHosts, releaseHosts } from '../support/test-run';
import { pidAlive } from '../support/worker-harness';
import { connectClient } from '../srs-sim/media-client';
import fs from 'node:fs';

describe('per-group automatic escalation at the deadline', () => {
  let host: FleetHost;
  let b: BotHarness;

  beforeAll(async () => {
    [host] = (await claimHosts(1, { serviceManager: 'initd', version: '6.0.184' })) as [FleetHost];
    b = await startBotHarness([host], 11, {
      rename: { [host.name]: 'edge-1' },
      hostExtra: { [host.name]: { groups: ['canary'] } },
      extra: { grace: { deadlineMs: 3000, pollMs: 400, killMarginMs: 1000, autoEscalateGroups: ['canary'] } },
    });
  });
  afterAll(async () => {
    await b.close();
    releaseHosts([host]);
  });

  it('a host in an auto-escalating group is force-quit at its deadline without asking', async () => {
    const pid = Number(fs.readFileSync(host.pidFile, 'utf8').trim());
    await connectClient({ port: host.ports.rtmp, kind: 'play' }); // never leaves
    const { parent, replies } = await b.finished(requestIdOf(await b.slash('grace edge-1')), 30000);
    expect(parent.text).toMatch(/done: 1 ok/);
    const texts = replies.map((r) => r.text).join('\n');
    expect(texts).toMatch(/escalated \(SIGINT sent by automatic escalation \(grace\.autoEscalateGroups \([a-z0-9, -]+\)\)\)/);
    expect(texts).toMatch(/exited after a force quit/);
    expect(texts).not.toMatch(/Force quit now/);
    expect(pidAlive(pid)).toBe(false);
  });
});
