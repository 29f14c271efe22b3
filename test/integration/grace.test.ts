import fs from 'node:fs';
import type { FleetHost } from '../support/fleet';
import { CHANNEL, requestIdOf, startBotHarness, USERS, type BotHarness } from '../support/bot-harness';
import type { SlackMessage } from '../support/slack/standin-types';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { pidAlive } from '../support/worker-harness';
import { connectClient } from '../srs-sim/media-client';
import { recordFault, seeRequests } from '../support/fault-record';

const pidOf = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful quit you can watch (real sshd, simulator, Redis, Slack stand-in)', () => {
  let hosts: FleetHost[];
  let old: FleetHost;
  let b: BotHarness;
  const host = (i: number) => hosts[i] as FleetHost;

  beforeAll(async () => {
    hosts = await claimHosts(6, { serviceManager: 'initd', version: '6.0.184' });
    [old] = (await claimHosts(1, { version: '5.0.216' })) as [FleetHost];
    const all = [...hosts, old];
    const rename = Object.fromEntries(all.map((h, i) => [h.name, h === old ? 'old-1' : `edge-${i + 1}`]));
    const hostExtra = Object.fromEntries(all.map((h, i) => [h.name, { groups: i === 4 || i === 5 ? ['pair'] : ['solo'] }]));
    b = await startBotHarness(all, 5, {
      rename,
      hostExtra,
      extra: {
        grace: { deadlineMs: 5000, pollMs: 400, killMarginMs: 1000, extendMs: 60000 },
        // `grace pair --parallel` drains both hosts at once, and its deadline asks (buttons) rather than forcing.
        rolling: { parallel: true, escalateAtDeadline: false },
      },
    });
  });
  afterAll(async () => {
    await b.close();
    releaseHosts([...hosts, old]);
  });

  const thread = (parent: SlackMessage) => b.standin.thread(CHANNEL, parent.ts);
  const parentOf = (id: string) => b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 10000);
  const board = (parent: SlackMessage) => thread(parent).find((m) => m.text.startsWith('*Graceful'));

  it('drains clients leaving over time: pre-flight, one status message edited with N falling, milestones in order, exit confirmed', async () => {
    const h = host(0);
    const pid = pidOf(h);
    await Promise.all([2500, 4500, 6500].map((ms) => connectClient({ port: h.ports.rtmp, kind: 'play', leaveAfterMs: ms })));
    // At once: the count comes from the API's client list, which is current (summaries' conn_srs lags ~3 s).
    const id = requestIdOf(await b.slash('grace edge-1'));
    const { parent, replies } = await b.finished(id, 40000);
    expect(parent.text).toMatch(/done: 1 ok/);
    const texts = replies.map((r) => r.text);
    const pre = texts.findIndex((t) => /pre-flight: SRS 6\.0\.184 \(pid \d+\), 3 players connected now \(API\)/.test(t));
    expect(pre).toBeGreaterThanOrEqual(0);
    expect(texts[pre]).toMatch(/grace_start_wait 300 ms, grace_final_wait 300 ms, force_grace_quit off; deadline 5s/);
    const order = ['listeners closed', 'drained: every client left', 'exited: process ended'].map((m) =>
      texts.findIndex((t) => t.includes(m)),
    );
    expect(texts.join('\n')).not.toMatch(/not a zombie|\b1 clients\b/);
    expect(order.every((i) => i > pre)).toBe(true);
    expect([...order].sort((a, c) => a - c)).toEqual(order);
    const status = board(parent);
    expect(status).toBeDefined();
    const versions = [...(status?.edits ?? []).map((e) => e.text), status?.text ?? ''];
    const counts = versions.flatMap((t) => [...t.matchAll(/(\d+) clients? left/g)].map((m) => Number(m[1])));
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts[0]).toBeGreaterThan(counts[counts.length - 1] ?? 0);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1] ?? 0);
    await b.standin.waitFor(() => (/exited after .* elapsed .* deadline/.test(board(parent)?.text ?? '') ? true : undefined), 5000);
    expect(texts.join('\n')).toMatch(/edge-1\* grace ok: drained and exited [\d.]+s after SIGQUIT/);
    expect(pidAlive(pid)).toBe(false);
    expect(fs.existsSync(h.pidFile)).toBe(true);
  });

  it('a stuck client reaches the deadline: buttons; a stranger is refused; the requester forces the quit; exit confirmed', async () => {
    const h = host(1);
    const pid = pidOf(h);
    await connectClient({ port: h.ports.rtmp, kind: 'play' }); // never leaves
    const id = requestIdOf(await b.slash('grace edge-2', { user: USERS.operator }));
    const parent = await parentOf(id);
    const prompt = await b.standin.waitFor(
      () => thread(parent).find((m) => m.text.includes('still draining') && m.text.includes('deadline')),
      20000,
    );
    const denied = await b.press(prompt, 'srs_grace_force', USERS.viewer);
    expect(denied.status).toBe(200);
    await b.standin.waitFor((s) => s.responses.find((r) => JSON.stringify(r).includes('Only <@')), 5000);
    expect(pidAlive(pid)).toBe(true);
    await b.press(prompt, 'srs_grace_force', USERS.operator);
    const { parent: done, replies } = await b.finished(id, 30000);
    expect(done.text).toMatch(/done: 1 ok/);
    const texts = replies.map((r) => r.text).join('\n');
    expect(texts).toMatch(/escalated \(SIGINT sent by U0OPER001\)/);
    expect(texts).toMatch(/exited: process ended, media ports closed \(1 client forced off/);
    expect(texts).toMatch(/exited after a force quit \(SIGINT at \d+s by U0OPER001\): 1 client forced off, [\d.]+s after SIGQUIT/);
    expect(b.standin.message(CHANNEL, prompt.ts)?.text).toMatch(/force quit requested by <@U0OPER001>/);
    expect(pidAlive(pid)).toBe(false);
    expect(fs.readFileSync(h.logFile, 'utf8')).toMatch(/sig=2, user terminate program, fast quit/);
    // The escalation and both presses are on record.
    const records = (await b.audit({ limit: 100 })).filter((r) => r.requestId === id);
    expect(records.find((r) => r.type === 'grace.escalated')).toMatchObject({
      host: 'edge-2',
      data: { milestone: 'escalated', forcedOff: 1 },
    });
    expect(records.find((r) => r.type === 'button.pressed')).toMatchObject({ actor: USERS.operator, data: { action: 'srs_grace_force' } });
    expect(records.find((r) => r.type === 'button.denied')).toMatchObject({ actor: USERS.viewer });
  });

  it('SRS 5.0: says the quit drops every client and sends nothing until someone confirms; then reports them dropped', async () => {
    const pid = pidOf(old);
    await connectClient({ port: old.ports.rtmp, kind: 'play' });
    const id = requestIdOf(await b.slash('grace old-1'));
    const { parent, replies } = await b.finished(id, 20000);
    expect(parent.text).toMatch(/done: 1 refused/);
    expect(replies.map((r) => r.text).join('\n')).toMatch(/old-1\* grace refused: SRS 5\.0\.216 does not drain: .*\(now: 1 player\)/);
    const ask = replies.find((r) => r.text.includes('does NOT drain'));
    expect(ask).toBeDefined();
    expect(ask?.text).toMatch(/dropping every client connected then \(now: 1 (player|client)\)/);
    await sleep(1000);
    expect(fs.readFileSync(old.logFile, 'utf8')).not.toMatch(/sig=3/);
    expect(pidAlive(pid)).toBe(true);
    await b.press(ask as SlackMessage, 'srs_grace_confirm', USERS.admin);
    const after = await b.standin.waitFor(() => {
      const p = b.standin.message(CHANNEL, parent.ts);
      return p && /done: 1 ok/.test(p.text) ? p : undefined;
    }, 20000);
    expect(after.text).toMatch(/done: 1 ok/);
    const texts = thread(parent)
      .map((r) => r.text)
      .join('\n');
    expect(texts).toMatch(/old-1\* grace ok: SRS 5\.0\.216 quit without draining: 1 client dropped when it exited [\d.]+s after SIGQUIT/);
    expect(texts).not.toMatch(/drained and exited|start wait|listeners close/);
    expect(fs.readFileSync(old.logFile, 'utf8')).toMatch(/quit for thread #2\(hybrid\) finished/);
    expect(pidAlive(pid)).toBe(false);
  });

  it('survives the SSH connection dropping mid-drain: reconnects and resumes from the log position', async () => {
    const h = host(2);
    const pid = pidOf(h);
    await connectClient({ port: h.ports.rtmp, kind: 'play', leaveAfterMs: 9000 });
    const id = requestIdOf(await b.slash('grace edge-3'));
    const parent = await parentOf(id);
    await b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('listeners closed')), 15000);
    await getTestRun().fleet.stopSshd(h.name);
    await sleep(2500);
    await getTestRun().fleet.startSshd(h.name);
    const { replies } = await b.finished(id, 40000);
    const texts = replies.map((r) => r.text).join('\n');
    expect(texts).toMatch(/SSH connection to the host lost/);
    expect(texts).toMatch(/following again/);
    expect(texts).toMatch(/drained: every client left/);
    expect(texts).toMatch(/grace ok: drained and exited/);
    expect(pidAlive(pid)).toBe(false);
  });

  it('Slack answering 429: edits coalesce and the final result is still delivered, once', async () => {
    const h = host(3);
    await connectClient({ port: h.ports.rtmp, kind: 'play', leaveAfterMs: 4000 });
    b.standin.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 }, 3);
    b.standin.failNext('chat.update', { status: 429, retryAfterSec: 1 }, 2);
    const id = requestIdOf(await b.slash('grace edge-4'));
    const { parent, replies } = await b.finished(id, 40000);
    expect(parent.text).toMatch(/done: 1 ok/);
    expect(replies.filter((r) => /edge-4\* grace ok/.test(r.text))).toHaveLength(1);
    expect(b.standin.rejected.rateLimited).toBeGreaterThanOrEqual(3);
    recordFault({ fault: 'Slack API 429 during a drain', injected: b.standin.rejected.rateLimited, requests: await seeRequests(b, [id]) });
  });

  it('a group rolls its graceful quit (--parallel: both at once), each drain on the rollout status; extend, then leave it draining: the rollout halts', async () => {
    const [e5, e6] = [host(4), host(5)];
    await connectClient({ port: e5.ports.rtmp, kind: 'play', leaveAfterMs: 3000 });
    const stuck = await connectClient({ port: e6.ports.rtmp, kind: 'play' }); // never leaves (closed at the end)
    const id = requestIdOf(await b.slash('grace pair --parallel'));
    const parent = await parentOf(id);
    const status = () => thread(parent).find((m) => m.text.startsWith('*Rollout'));
    // A copy: the card in the stand-in is edited (buttons replaced) after the first press.
    const prompt = structuredClone(
      await b.standin.waitFor(() => thread(parent).find((m) => m.text.includes('edge-6') && m.text.includes('still draining')), 30000),
    );
    expect(status()?.text).toMatch(/`edge-5`[\s\S]*`edge-6`/);
    await b.press(prompt, 'srs_grace_extend', USERS.operator);
    await b.standin.waitFor(() => (/`edge-6` [^\n]*deadline in (\d+m|[3-9]\ds)/.test(status()?.text ?? '') ? true : undefined), 10000);
    const leave = await b.standin.waitFor(() => b.standin.message(CHANNEL, prompt.ts), 1000);
    expect(leave.text).toMatch(/deadline extended by <@U0OPER001>/);
    // The extended deadline is a minute away: leave it draining instead (a later press of the card still counts).
    const again = await b.press(prompt, 'srs_grace_leave', USERS.operator);
    expect(again.status).toBe(200);
    const final = await b.standin.waitFor(() => thread(parent).find((m) => m.text.startsWith(':octagonal_sign: Rollout HALTED')), 30000);
    expect(final.text).toMatch(/edge-6: left draining at U0OPER001's request: 1 client still connected/);
    expect(final.text).toMatch(/`edge-5` done · 1 client: 1 left on their own, 0 forced off/);
    await stuck.close();
  });
});
