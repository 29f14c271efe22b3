import fs from 'node:fs';
import { CHANNEL, requestIdOf, SECRET, startBotHarness, USERS, type BotHarness } from '../../support/bot-harness';
import { recordFault, seeRequests } from '../../support/fault-record';
import type { FleetHost } from '../../support/fleet';
import { nowSec, postSigned, signBody, slashCommandBody } from '../../support/slack/sign-request';
import { claimHosts, releaseHosts } from '../../support/test-run';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sim = require('../../srs-sim/install.js') as {
  writeConfig: (root: string, o: Record<string, unknown>) => string;
  restoreConfig: (root: string) => void;
};

describe('faults on the chat side: Slack down, 5xx, redelivery, replays, a busy host', () => {
  let hosts: FleetHost[];
  let b: BotHarness;

  beforeAll(async () => {
    hosts = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
    b = await startBotHarness(hosts, 8, { rename: Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`])) });
  });
  afterAll(async () => {
    await b.close();
    releaseHosts(hosts);
  });

  it('Slack Web API unreachable for a while: the final result is delivered once it is back, once', async () => {
    const ack = await b.slash('restart edge-1');
    const id = requestIdOf(ack);
    await b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 5000);
    const parent0 = b.standin.messages(CHANNEL).find((m) => m.text.includes(id));
    await b.standin.setDown(true);
    await new Promise((r) => setTimeout(r, 5000)); // the restart finishes while Slack is down
    expect(b.standin.thread(CHANNEL, parent0?.ts ?? '').filter((r) => r.text.includes('*edge-1* restart'))).toHaveLength(0);
    await b.standin.setDown(false);
    const { parent, replies } = await b.finished(id, 30000);
    expect(parent.text).toMatch(/done: 1 ok/);
    expect(replies.filter((r) => r.text.includes('*edge-1* restart'))).toHaveLength(1);
    recordFault({ fault: 'Slack API unreachable for 5 s', injected: 1, requests: await seeRequests(b, [id]) });
  });

  it('Slack answering 5xx: retried, delivered once', async () => {
    b.standin.failNext('chat.postMessage', { status: 503 }, 2);
    b.standin.failNext('chat.update', { status: 500 }, 1);
    const id = requestIdOf(await b.slash('status edge-2'));
    const { parent, replies } = await b.finished(id, 30000);
    expect(parent.text).toMatch(/done: 1 ok/);
    expect(replies.filter((r) => r.text.includes('*edge-2* status'))).toHaveLength(1);
    recordFault({ fault: 'Slack API 5xx', injected: 3, requests: await seeRequests(b, [id]) });
  });

  it('Slack redelivering the same command (same trigger, retry headers): it runs once', async () => {
    const body = slashCommandBody({
      text: 'status edge-3',
      user_id: USERS.operator,
      channel_id: CHANNEL,
      response_url: b.standin.responseUrl('redeliver'),
      trigger_id: '1700.4242.redeliver',
    });
    const first = await postSigned(b.url, body, { secret: SECRET });
    const again = await postSigned(b.url, body, { secret: SECRET, ts: nowSec() + 1, retryNum: 1, retryReason: 'http_timeout' });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    const id = requestIdOf(first);
    expect((JSON.parse(again.body) as { text: string }).text).toBe(`Already received (request ${id}); it runs once.`);
    await b.finished(id, 20000);
    expect(b.standin.messages(CHANNEL).filter((m) => m.text.includes('asked for *status* on edge-3'))).toHaveLength(1);
    // Both deliveries are on record as received; only the first one as queued.
    const records = await b.audit({ limit: 200 });
    const received = records.filter((r) => r.type === 'request.received' && r.data.triggerId === '1700.4242.redeliver');
    expect(received).toHaveLength(2);
    const queued = records.filter((r) => r.type === 'request.queued' && received.some((x) => x.requestId === r.requestId));
    expect(queued.map((r) => r.requestId)).toEqual([id]);
    recordFault({ fault: 'command redelivered by Slack', injected: 1, requests: await seeRequests(b, [id]) });
  });

  it('refuses forged, unsigned, stale, far-future and replayed requests (401), nothing runs', async () => {
    const posted = b.standin.callsTo('chat.postMessage').length;
    const body = slashCommandBody({
      text: 'stop all',
      user_id: USERS.admin,
      channel_id: CHANNEL,
      response_url: b.standin.responseUrl('x'),
    });
    expect((await postSigned(b.url, body, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await postSigned(b.url, body, { secret: SECRET, omit: ['signature'] })).status).toBe(401);
    expect((await postSigned(b.url, body, { secret: SECRET, omit: ['timestamp'] })).status).toBe(401);
    expect((await postSigned(b.url, body, { secret: SECRET, ts: nowSec() - 301 })).status).toBe(401);
    expect((await postSigned(b.url, body, { secret: SECRET, ts: nowSec() + 600 })).status).toBe(401);
    // A captured valid request, sent again: refused the second time.
    const ts = nowSec();
    const okBody = slashCommandBody({ text: 'help', user_id: USERS.viewer, channel_id: CHANNEL, response_url: b.standin.responseUrl('y') });
    const sig = signBody(SECRET, okBody, ts);
    expect((await postSigned(b.url, okBody, { secret: SECRET, ts, signature: sig })).status).toBe(200);
    expect((await postSigned(b.url, okBody, { secret: SECRET, ts, signature: sig })).status).toBe(401);
    expect(b.standin.callsTo('chat.postMessage').length).toBe(posted);
  });

  it('a busy host: the answer says behind whom, doing what, since when, the position; /srs cancel removes the queued job', async () => {
    const first = requestIdOf(await b.slash('restart edge-1', { user: USERS.admin }));
    const secondAck = await b.slash('stop edge-1');
    const text = (JSON.parse(secondAck.body) as { text: string }).text;
    expect(text).toMatch(/edge-1 is busy: (running|waiting:) `restart` (for|by) <@U0ADMIN01> .*yours is #2 in line, after 1 job/);
    const second = requestIdOf(secondAck);
    const viewerCancel = JSON.parse((await b.slash(`cancel ${second}`, { user: USERS.viewer })).body) as { text: string };
    expect(viewerCancel.text).toMatch(/Only <@U0OPER001> \(who asked\) or an operator may cancel/);
    const cancel = JSON.parse((await b.slash(`cancel ${second}`)).body) as { text: string };
    expect(cancel.text).toMatch(/cancelled 1 queued job \(edge-1\)/);
    const { parent, replies } = await b.finished(second, 20000);
    expect(parent.text).toMatch(/done: 1 refused/);
    expect(replies[0]?.text).toMatch(/cancelled by U0OPER001 before it ran/);
    const done = await b.finished(first, 30000);
    expect(done.parent.text).toMatch(/done: 1 ok/);
    const running = JSON.parse((await b.slash(`cancel ${first}`)).body) as { text: string };
    expect(running.text).toMatch(/already finished/);
  });

  it('host output with Slack mentions, markdown and huge blobs is escaped and capped in the thread', async () => {
    const h = hosts[1] as FleetHost;
    sim.writeConfig(h.root, { extra: `<!channel> *pwned* \`\`\` ${'A'.repeat(20000)} {` });
    try {
      const { replies } = await b.finished(requestIdOf(await b.slash('reload edge-2')), 20000);
      const reply = replies[0]?.text ?? '';
      expect(reply).toMatch(/reload REFUSED/);
      expect(reply).not.toContain('<!channel>');
      expect(reply.length).toBeLessThan(4000);
      expect(fs.readFileSync(h.config, 'utf8')).toContain('<!channel>');
    } finally {
      sim.restoreConfig(h.root);
    }
  });
});
