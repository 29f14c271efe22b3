import type { AuditRecord } from '../../src/ports/audit-port';
import { CHANNEL, requestIdOf, USERS } from '../support/bot-harness';
import { describeChatPath, pidOf } from '../support/chat-path-cases';
import type { SocketModeStandin } from '../support/slack/socket-mode-standin';
import type { SlackMessage } from '../support/slack/standin-types';
import { pidAlive } from '../support/worker-harness';
import { connectClient } from '../srs-sim/media-client';

const DB = 30;

/** The audit records of one request, each as what it says (no seq, time or hash): a duplicate shows as a repeat. */
function auditKeys(records: readonly AuditRecord[]): string[] {
  return records.map((r) => JSON.stringify([r.type, r.host, r.actor, r.data]));
}

describeChatPath('socket', DB, (h) => {
  const socket = (): SocketModeStandin => {
    const s = h().b.transport.socket;
    if (s === undefined) throw new Error('not in Socket Mode');
    return s;
  };
  const afterThis: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const undo of afterThis.splice(0)) await undo().catch(() => undefined);
  });
  /** Sends Slack's `disconnect` and waits for the client to be on its next connection. */
  const reconnect = async (): Promise<void> => {
    const before = socket().connectionsAccepted;
    socket().sendDisconnect('refresh_requested');
    await socket().waitForConnectionsAccepted(before + 1, 20000);
  };

  it('a slash command whose ack was lost is redelivered after the reconnect and answered "already received": it runs once', async () => {
    const { b } = h();
    socket().loseNextAcks(1);
    const envelope = socket().pushSlashCommand({
      text: 'status edge-3',
      user_id: USERS.operator,
      channel_id: CHANNEL,
      response_url: b.standin.responseUrl('lost-ack'),
    });
    const lost = await b.standin.waitFor(() => socket().lostAcks.find((a) => a.envelope_id === envelope), 3000, 'the first (lost) ack');
    const id = requestIdOf({ status: 200, body: JSON.stringify(lost.payload), headers: {}, ms: lost.latencyMs });
    await reconnect();
    const again = await socket().waitForAck(envelope, 10000);
    expect(again.attempt).toBe(1);
    expect((again.payload as { text: string }).text).toBe(`Already received (request ${id}); it runs once.`);
    const { replies } = await b.finished(id);
    expect(replies).toHaveLength(1);
    expect(b.standin.messages(CHANNEL).filter((m) => m.text.includes(id))).toHaveLength(1);
    expect(auditKeys((await b.audit({ requestId: id })).filter((r) => r.type === 'request.received'))).toHaveLength(1);
  }, 60000);

  it('reconnect during a drain: the buttons work through the new connection; a press redelivered after another reconnect runs once', async () => {
    const { b, host } = h();
    const edge2 = host(1);
    const pid = pidOf(edge2);
    const viewer = await connectClient({ port: edge2.ports.rtmp, kind: 'play' }); // never leaves: the drain reaches its deadline
    afterThis.push(() => viewer.close());
    const id = requestIdOf(await b.slash('grace edge-2'));
    const parent = await b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 10000, 'the request message');
    const thread = (): SlackMessage[] => b.standin.thread(CHANNEL, parent.ts);
    await b.standin.waitFor(() => thread().find((m) => m.text.includes('listeners closed')), 15000, 'the drain under way');
    await reconnect(); // mid-drain
    const prompt = await b.standin.waitFor(
      () => thread().find((m) => m.text.includes('still draining') && m.text.includes('deadline')),
      20000,
      'the deadline prompt',
    );
    // Force quit through the new connection; its ack is lost, so after one more reconnect Slack delivers it again.
    socket().loseNextAcks(1);
    const press = socket().pushBlockActions(b.pressInput(prompt, 'srs_grace_force', USERS.operator));
    await b.standin.waitFor(() => socket().lostAcks.find((a) => a.envelope_id === press), 3000, 'the press (ack lost)');
    await reconnect();
    expect((await socket().waitForAck(press, 10000)).attempt).toBe(1);

    const { parent: done, replies } = await b.finished(id, 40000);
    expect(done.text).toMatch(/done: 1 ok/);
    const texts = replies.map((r) => r.text);
    expect(texts.filter((t) => /\*edge-2\* grace ok/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /escalated \(SIGINT sent by U0OPER001\)/.test(t))).toHaveLength(1);
    expect(b.standin.message(CHANNEL, prompt.ts)?.text).toMatch(/force quit requested by <@U0OPER001>/);
    expect(pidAlive(pid)).toBe(false);
    expect(b.standin.callsTo('apps.connections.open').length).toBeGreaterThanOrEqual(3);

    const records = await b.audit({ requestId: id });
    expect(records.filter((r) => r.type === 'button.pressed')).toHaveLength(1);
    expect(records.filter((r) => r.type === 'request.received')).toHaveLength(1);
    const keys = auditKeys(records);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  }, 90000);
});
