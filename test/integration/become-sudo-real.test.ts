/**
 * `become: sudo` on a REAL SRS (6.0.157, built from ../shared/srs/src by scripts/build-real-srs.sh, cached): a non-root
 * login with only the narrow rule starts it through the helper (SRS runs as root), reads its status unprivileged,
 * reloads it (config test through the helper) and quits it gracefully while a real player (ffmpeg) drains. Needs root
 * (CI runs as root): it throws otherwise, never skips.
 */
import fs from 'node:fs';
import { runVerb } from '../../src/worker/verbs/run-verb';
import { launchBecomeFleet, type BecomeFleet } from '../support/become/become-fleet';
import { memoryGraceJob } from '../support/become/memory-jobs';
import { mediaDriverFor } from '../support/media';
import { buildOf, ensureRealSrsBuilds } from '../support/real-srs/real-builds';

jest.setTimeout(240000);

const driver = mediaDriverFor('real');
let bf: BecomeFleet;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('become-sudo-real needs root: it creates a user and a sudoers drop-in (CI runs as root)');
  const build = buildOf(ensureRealSrsBuilds(), '6.0.157');
  bf = await launchBecomeFleet({
    name: 'i18-become-real',
    user: 'srsops18',
    hosts: [{ name: 'r01', engine: 'real', realBuild: build.trunk, version: '6.0.157', graceStartWaitMs: 500, graceFinalWaitMs: 500 }],
    extra: { grace: { deadlineMs: 60000, pollMs: 400, killMarginMs: 3000 }, worker: { startSettleMs: 1500 } },
  });
});

afterAll(async () => {
  await driver.closeAll();
  await bf?.stop();
});

it('real SRS 6.0.157 under a non-root login: start, status, reload, and a grace that drains a real player', async () => {
  const ctx = bf.ctx('r01');
  const start = await runVerb(ctx, 'start');
  expect(start).toMatchObject({ outcome: 'ok', after: { state: 'running', apiUp: true, version: '6.0.157' } });
  const pid = start.after.pid ?? 0;
  expect(/^Uid:\s+0\s/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))).toBe(true);
  expect(await runVerb(ctx, 'status')).toMatchObject({ outcome: 'ok', after: { state: 'running', pid, apiUp: true } });
  expect(await runVerb(ctx, 'reload')).toMatchObject({ outcome: 'ok' });

  const host = bf.fleet.host('r01');
  const publisher = await driver.connect(host, { kind: 'publish', leaveAfterMs: 3000 });
  const player = await driver.connect(host, { kind: 'play', leaveAfterMs: 4000 });
  const job = memoryGraceJob(bf.config, { confirmed: true });
  const grace = await runVerb(bf.ctx('r01', { grace: job }), 'grace');
  await Promise.all([publisher.closed, player.closed]);
  expect(grace.outcome).toBe('ok');
  expect(grace.summary).toMatch(/drained and exited/);
  expect(grace.after.state).not.toBe('running');
});
