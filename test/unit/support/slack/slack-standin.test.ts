import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { ErrorCode, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient } from '@slack/web-api';
import { createRecordingLogger } from '../../../support/slack/recording-logger';
import { blockActionsBody, nowSec, postSigned, signBody, slashCommandBody } from '../../../support/slack/sign-request';
import { startSlackStandin, type SlackStandin } from '../../../support/slack/slack-standin';
import { AckLedger, type SocketEnvelope } from '../../../support/slack/ack-ledger';
import { startSocketModeStandin, type SocketModeStandin } from '../../../support/slack/socket-mode-standin';

const CHANNEL = 'C0SRSOPS';
const USER = 'U0ALICE';
const SECRET = 'standin-signing-secret';

const actionsBlocks = [
  { type: 'section', block_id: 'status', text: { type: 'mrkdwn', text: '*Deploying* srs-1' } },
  {
    type: 'actions',
    block_id: 'buttons',
    elements: [
      { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: 'job-1' },
      { type: 'button', action_id: 'cancel', text: { type: 'plain_text', text: 'Cancel' }, value: 'job-1' },
    ],
  },
];

function webClient(standin: SlackStandin, extra: { rejectRateLimitedCalls?: boolean; token?: string } = {}): WebClient {
  return new WebClient(extra.token ?? standin.token, {
    slackApiUrl: standin.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: extra.rejectRateLimitedCalls ?? false,
    logger: createRecordingLogger(),
  });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('Slack Web API stand-in with a real WebClient', () => {
  let standin: SlackStandin;
  let client: WebClient;

  beforeAll(async () => {
    standin = await startSlackStandin();
    client = webClient(standin);
  });
  afterEach(() => standin.reset());
  afterAll(async () => standin.close());

  it('models posts, edits with blocks, thread replies and ephemerals', async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: standin.identity.botUserId, bot_id: standin.identity.botId });

    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'deploy queued' });
    expect(posted.ts).toBe('1700000000.000100');
    expect(posted.message).toMatchObject({ text: 'deploy queued', bot_id: standin.identity.botId });
    const parentTs = posted.ts ?? '';

    await client.chat.update({ channel: CHANNEL, ts: parentTs, text: 'deploying', blocks: actionsBlocks });
    const reply = await client.chat.postMessage({ channel: CHANNEL, thread_ts: parentTs, text: 'step 1/2 ok' });
    expect(reply.message?.thread_ts).toBe(parentTs);
    // Replying to a reply's ts lands in the parent's thread, as in Slack.
    const nested = await client.chat.postMessage({ channel: CHANNEL, thread_ts: reply.ts ?? '', text: 'step 2/2 ok' });
    expect(nested.message?.thread_ts).toBe(parentTs);
    const eph = await client.chat.postEphemeral({ channel: CHANNEL, user: USER, thread_ts: parentTs, text: 'only you' });
    expect(eph.message_ts).toMatch(/^\d+\.\d{6}$/);

    // The model: one top-level message, edited in place with its history, one reply, one ephemeral.
    expect(standin.messages(CHANNEL)).toHaveLength(1);
    const parent = standin.message(CHANNEL, parentTs);
    expect(parent?.text).toBe('deploying');
    expect(parent?.blocks).toEqual(actionsBlocks);
    expect(parent?.edits).toEqual([expect.objectContaining({ text: 'deploy queued', blocks: undefined })]);
    expect(parent?.edited?.user).toBe(standin.identity.botUserId);
    expect(standin.thread(CHANNEL, parentTs).map((m) => m.text)).toEqual(['step 1/2 ok', 'step 2/2 ok']);
    expect(standin.ephemerals(USER)).toEqual([expect.objectContaining({ text: 'only you', thread_ts: parentTs })]);
    expect(standin.ephemerals('U0SOMEONEELSE')).toEqual([]);

    // The wire format: form-encoded, bearer token, blocks sent as a JSON string and parsed back.
    const update = standin.callsTo('chat.update')[0];
    expect(update?.contentType).toBe('application/x-www-form-urlencoded');
    expect(update?.token).toBe(standin.token);
    expect(new URLSearchParams(update?.rawBody).get('blocks')).toBe(JSON.stringify(actionsBlocks));
    expect(update?.args['blocks']).toEqual(actionsBlocks);

    // Text rendering for debugging and asserts.
    const text = standin.renderThread(CHANNEL, parentTs);
    expect(text).toContain('deploying  (edited x1)');
    expect(text).toContain('| *Deploying* srs-1');
    expect(text).toContain('| [Approve](approve) [Cancel](cancel)');
    expect(text).toContain('    1700000000.000300 @U0BOTUSER: step 1/2 ok');
    expect(text).toMatch(/ephemeral:\n {4}\S+ \(only @U0ALICE\): only you/);
  });

  it('retains blocks on a text-only chat.update (documented Slack behaviour) and clears them with blocks: []', async () => {
    const { ts } = await client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: actionsBlocks });
    await client.chat.update({ channel: CHANNEL, ts: ts ?? '', text: 'y' });
    expect(standin.message(CHANNEL, ts ?? '')?.blocks).toEqual(actionsBlocks);
    await client.chat.update({ channel: CHANNEL, ts: ts ?? '', text: 'z', blocks: [] });
    expect(standin.message(CHANNEL, ts ?? '')?.blocks).toEqual([]);
    expect(standin.message(CHANNEL, ts ?? '')?.edits.map((e) => e.text)).toEqual(['x', 'y']);
  });

  it('answers Slack errors: auth, unknown method, missing message, bad blocks, unknown thread, delete', async () => {
    const wrongToken = await caught(webClient(standin, { token: 'xoxb-wrong' }).chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(wrongToken).toBeInstanceOf(WebAPIPlatformError);
    expect((wrongToken as WebAPIPlatformError).data.error).toBe('invalid_auth');

    const unknown = await caught(client.apiCall('chat.scheduleMessage', { channel: CHANNEL }));
    expect((unknown as WebAPIPlatformError).data.error).toBe('unknown_method');

    const missing = await caught(client.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' }));
    expect((missing as WebAPIPlatformError).data.error).toBe('message_not_found');

    const longSection = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];
    const bad = await caught(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: longSection }));
    expect((bad as WebAPIPlatformError).data).toMatchObject({
      error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    });

    const { ts } = await client.chat.postMessage({ channel: CHANNEL, text: 'parent' });
    // A float thread_ts loses its trailing zeros in transit: the reply would not land in the thread.
    const floatTs = await caught(client.apiCall('chat.postMessage', { channel: CHANNEL, text: 'r', thread_ts: Number(ts) }));
    expect((floatTs as WebAPIPlatformError).data.error).toBe('thread_not_found');

    await client.chat.delete({ channel: CHANNEL, ts: ts ?? '' });
    expect(standin.messages(CHANNEL)).toEqual([]);
    expect(standin.message(CHANNEL, ts ?? '')?.deleted).toBe(true);
    expect(standin.callsTo('chat.postMessage').map((c) => [c.outcome, c.error])).toEqual([
      ['error', 'invalid_auth'],
      ['error', 'invalid_blocks'],
      ['ok', undefined],
      ['error', 'thread_not_found'],
    ]);
  });

  it('injects a 429 that surfaces as a rate-limit error with rejectRateLimitedCalls', async () => {
    standin.failNext('chat.update', { status: 429, retryAfterSec: 7 });
    const rejecting = webClient(standin, { rejectRateLimitedCalls: true });
    const { ts } = await rejecting.chat.postMessage({ channel: CHANNEL, text: 'x' });
    const err = await caught(rejecting.chat.update({ channel: CHANNEL, ts: ts ?? '', text: 'y' }));
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect((err as WebAPIRateLimitedError).code).toBe(ErrorCode.RateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(standin.rejected).toMatchObject({ total: 1, rateLimited: 1, byMethod: { 'chat.update': 1 } });
    expect(standin.message(CHANNEL, ts ?? '')?.text).toBe('x');
    // The fault was one-shot.
    await rejecting.chat.update({ channel: CHANNEL, ts: ts ?? '', text: 'y' });
    expect(standin.message(CHANNEL, ts ?? '')?.text).toBe('y');
  });

  it('enforces an optional per-method rate limit with Retry-After', async () => {
    standin.setRateLimit('chat.update', 2);
    try {
      const rejecting = webClient(standin, { rejectRateLimitedCalls: true });
      const { ts } = await rejecting.chat.postMessage({ channel: CHANNEL, text: '0' });
      await rejecting.chat.update({ channel: CHANNEL, ts: ts ?? '', text: '1' });
      await rejecting.chat.update({ channel: CHANNEL, ts: ts ?? '', text: '2' });
      const err = await caught(rejecting.chat.update({ channel: CHANNEL, ts: ts ?? '', text: '3' }));
      expect((err as WebAPIRateLimitedError).retryAfter).toBeGreaterThanOrEqual(59);
      expect(standin.callsTo('chat.update').map((c) => c.status)).toEqual([200, 200, 429]);
    } finally {
      standin.setRateLimit('chat.update', undefined);
    }
  });

  it('injects HTTP 500 (also after the write: a lost answer) and platform errors', async () => {
    standin.failNext('chat.postMessage', { status: 500 });
    expect(await caught(client.chat.postMessage({ channel: CHANNEL, text: 'a' }))).toBeInstanceOf(WebAPIHTTPError);
    expect(standin.messages(CHANNEL)).toHaveLength(0);

    standin.failNext('chat.postMessage', { status: 500, afterCommit: true });
    expect(await caught(client.chat.postMessage({ channel: CHANNEL, text: 'b' }))).toBeInstanceOf(WebAPIHTTPError);
    expect(standin.messages(CHANNEL).map((m) => m.text)).toEqual(['b']);

    standin.failNext('*', { ok: false, error: 'fatal_error' });
    const platform = await caught(client.chat.postEphemeral({ channel: CHANNEL, user: USER, text: 'c' }));
    expect((platform as WebAPIPlatformError).data.error).toBe('fatal_error');
    expect(standin.rejected).toMatchObject({ total: 3, httpError: 2, injectedError: 1 });
  });

  it('goes down (refused, reset, 503) and comes back on the same url', async () => {
    await standin.setDown(true);
    expect(await caught(client.auth.test())).toBeInstanceOf(WebAPIRequestError);
    await standin.setDown(true, 'reset');
    expect(await caught(client.auth.test())).toBeInstanceOf(WebAPIRequestError);
    await standin.setDown(true, '503');
    const http = await caught(client.auth.test());
    expect((http as WebAPIHTTPError).statusCode).toBe(503);
    await standin.setDown(false);
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    expect(standin.rejected.down).toBe(2);
  });

  it('waitFor resolves with the probe value and times out with a state dump', async () => {
    setTimeout(() => void client.chat.postMessage({ channel: CHANNEL, text: 'late' }), 30);
    const late = await standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text === 'late'), 2000);
    expect(late.ts).toMatch(/^\d+\.\d{6}$/);
    const err = await caught(standin.waitFor((s) => s.messages(CHANNEL).length > 5, 50, 'six messages'));
    expect((err as Error).message).toMatch(/waitFor \(six messages\) timed out after 50 ms/);
    expect((err as Error).message).toContain('@U0BOTUSER: late');
    expect((err as Error).message).toContain('chat.postMessage -> 200 ok');
  });

  it('takes response_url posts: ephemeral by default, in_channel, and the 5-post limit', async () => {
    const url = standin.responseUrl('cmd-1', { channel: CHANNEL, user: USER });
    const post = (body: unknown): Promise<Response> =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ text: 'working on it' })).status).toBe(200);
    expect((await post({ text: 'done', response_type: 'in_channel' })).status).toBe(200);
    expect(standin.ephemerals(USER).map((e) => e.text)).toEqual(['working on it']);
    expect(standin.messages(CHANNEL).map((m) => m.text)).toEqual(['done']);
    for (let i = 0; i < 3; i += 1) await post({ text: `more ${i}` });
    const sixth = await post({ text: 'too many' });
    expect(sixth.status).toBe(404);
    expect(standin.responses.map((r) => r.effect)).toEqual(['ephemeral', 'in_channel', 'ephemeral', 'ephemeral', 'ephemeral', 'refused']);
  });
});

describe('signed requests against a Bolt App on the HTTP receiver', () => {
  let standin: SlackStandin;
  let app: App;
  let eventsUrl: string;
  const retryNums: Array<number | undefined> = [];
  const logger = createRecordingLogger();

  beforeAll(async () => {
    standin = await startSlackStandin();
    const receiver = new HTTPReceiver({ signingSecret: SECRET, logger });
    app = new App({
      receiver,
      token: standin.token,
      botId: standin.identity.botId,
      botUserId: standin.identity.botUserId,
      logger,
      clientOptions: { slackApiUrl: standin.url, retryConfig: { retries: 0 } },
    });
    app.command('/srs', async ({ command, ack, client, context }) => {
      await ack();
      retryNums.push(context.retryNum);
      await client.chat.postMessage({ channel: command.channel_id, text: `<@${command.user_id}> ran: ${command.text}` });
    });
    app.action('approve', async ({ ack, respond, body }) => {
      await ack();
      await respond({ replace_original: true, text: `approved by <@${body.user.id}>` });
    });
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterEach(() => standin.reset());
  afterAll(async () => {
    await app.stop();
    await standin.close();
  });

  const command = (text: string): string =>
    slashCommandBody({ text, user_id: USER, user_name: 'alice', channel_id: CHANNEL, response_url: standin.responseUrl('cmd') });

  it("signs exactly like the example in Slack's request-verification docs", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
      '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signBody('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
    expect(command('restart srs-1 now')).toMatch(/&command=%2Fsrs&text=restart\+srs-1\+now&/);
  });

  it('acks a signed slash command with 200 and the handler posts through the stand-in', async () => {
    const res = await postSigned(eventsUrl, command('restart srs-1'), { secret: SECRET });
    expect(res.status).toBe(200);
    const msg = await standin.waitFor((s) => s.messages(CHANNEL)[0]);
    expect(msg.text).toBe(`<@${USER}> ran: restart srs-1`);
  });

  it('refuses a forged signature, a stale timestamp and missing headers with 401', async () => {
    expect((await postSigned(eventsUrl, command('x'), { secret: 'wrong-secret' })).status).toBe(401);
    expect((await postSigned(eventsUrl, command('x'), { secret: SECRET, ts: nowSec() - 6 * 60 })).status).toBe(401);
    expect((await postSigned(eventsUrl, command('x'), { secret: SECRET, omit: ['signature'] })).status).toBe(401);
    expect((await postSigned(eventsUrl, command('x'), { secret: SECRET, omit: ['timestamp'] })).status).toBe(401);
    expect(standin.calls).toHaveLength(0);
  });

  it('observed Bolt 5.1 behaviour: future timestamps pass, a charset content type is refused, retry headers reach the context', async () => {
    retryNums.length = 0;
    expect((await postSigned(eventsUrl, command('f'), { secret: SECRET, ts: nowSec() + 10 * 60 })).status).toBe(200);
    const charset = await postSigned(eventsUrl, command('c'), {
      secret: SECRET,
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    });
    expect(charset.status).toBe(400);
    expect((await postSigned(eventsUrl, command('r'), { secret: SECRET, retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    await standin.waitFor((s) => s.messages(CHANNEL).length === 2);
    expect(retryNums).toEqual([undefined, 1]);
  });

  it('routes a block_actions click; respond() replaces the original message through its response_url', async () => {
    const posted = await app.client.chat.postMessage({ channel: CHANNEL, text: 'approve?', blocks: actionsBlocks });
    const ts = posted.ts ?? '';
    const body = blockActionsBody({
      user: { id: USER, username: 'alice' },
      channel: { id: CHANNEL },
      message: { ts, text: 'approve?', blocks: actionsBlocks },
      actions: [{ action_id: 'approve', block_id: 'buttons', value: 'job-1' }],
      response_url: standin.responseUrl('click-1', { channel: CHANNEL, user: USER, messageTs: ts }),
    });
    expect((await postSigned(eventsUrl, body, { secret: SECRET })).status).toBe(200);
    const replaced = await standin.waitFor((s) => s.responses[0]);
    expect(replaced.effect).toBe('replaced');
    const msg = standin.message(CHANNEL, ts);
    expect(msg?.text).toBe(`approved by <@${USER}>`);
    expect(msg?.blocks).toBeUndefined();
    expect(msg?.edits[0]?.blocks).toEqual(actionsBlocks);
  });
});

describe('Socket Mode stand-in', () => {
  it('lets a Bolt App connect with an app token and acks a pushed slash command', async () => {
    const standin = await startSlackStandin();
    const socket = await startSocketModeStandin({ slack: standin });
    const logger = createRecordingLogger();
    const app = new App({
      token: standin.token,
      appToken: standin.appToken,
      socketMode: true,
      botId: standin.identity.botId,
      botUserId: standin.identity.botUserId,
      logger,
      clientOptions: { slackApiUrl: standin.url, retryConfig: { retries: 0 } },
    });
    app.command('/srs', async ({ command, ack, client }) => {
      await ack({ text: 'queued' });
      await client.chat.postMessage({ channel: command.channel_id, text: `socket: ${command.text}` });
    });
    try {
      await app.start();
      await socket.waitForConnection();
      const open = standin.callsTo('apps.connections.open')[0];
      expect(open?.token).toBe(standin.appToken);

      const envelopeId = socket.pushSlashCommand({
        text: 'status all',
        user_id: USER,
        channel_id: CHANNEL,
        response_url: standin.responseUrl('sm-1'),
      });
      const ack = await socket.waitForAck(envelopeId);
      expect(ack.payload).toEqual({ text: 'queued' });
      await standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text === 'socket: status all'));

      // A bot token cannot open a socket connection.
      const botOpen = await caught(webClient(standin).apiCall('apps.connections.open'));
      expect((botOpen as WebAPIPlatformError).data.error).toBe('not_allowed_token_type');
    } finally {
      await app.stop();
      // Bolt's stop() resolves before the close handshake; wait for it, or the client keeps a 30 s timer.
      await socket.waitForNoConnections();
      await socket.close();
      await standin.close();
    }
  });
});

describe('Socket Mode stand-in: acks and reconnects', () => {
  const envelope = (id: string): SocketEnvelope => ({
    envelope_id: id,
    type: 'slash_commands',
    payload: {},
    accepts_response_payload: true,
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('flags an envelope not acked in time, acked twice, or never sent', async () => {
    const ledger = new AckLedger(50);
    ledger.delivered(envelope('e1'), 1, 0);
    ledger.delivered(envelope('e2'), 1, 0);
    ledger.acked('e2', {});
    ledger.acked('e2', {});
    ledger.acked('e9', {});
    await sleep(120);
    expect(ledger.problems).toEqual([
      'envelope e2 acked more than once',
      'ack of an envelope never sent: e9',
      'envelope e1 (slash_commands, attempt 0) not acked within 50 ms',
    ]);
    expect(ledger.unacked().map((u) => u.envelope.envelope_id)).toEqual(['e1']);
  });

  it('a closed connection stops the deadline and owes its unacked envelopes; a lost ack leaves the envelope owed', async () => {
    const ledger = new AckLedger(50);
    ledger.delivered(envelope('e1'), 1, 0);
    ledger.delivered(envelope('e2'), 1, 0);
    ledger.loseNextAcks(1);
    ledger.acked('e2', { text: 'lost' });
    ledger.connectionClosed(1);
    await sleep(120);
    expect(ledger.problems).toEqual([]);
    expect(ledger.lostAcks.map((a) => a.envelope_id)).toEqual(['e2']);
    expect(ledger.owed(() => false).map((o) => o.envelope.envelope_id)).toEqual(['e1', 'e2']);
    expect(ledger.owed((c) => c === 1)).toEqual([]);
  });

  describe('with a Bolt app', () => {
    let standin: SlackStandin;
    let socket: SocketModeStandin;
    let app: App;
    const ran: string[] = [];

    beforeEach(async () => {
      ran.length = 0;
      standin = await startSlackStandin();
      socket = await startSocketModeStandin({ slack: standin });
      app = new App({
        token: standin.token,
        appToken: standin.appToken,
        socketMode: true,
        botId: standin.identity.botId,
        botUserId: standin.identity.botUserId,
        logger: createRecordingLogger(),
        clientOptions: { slackApiUrl: standin.url, retryConfig: { retries: 0 } },
      });
      app.command('/srs', async ({ command, ack }) => {
        ran.push(command.text);
        await ack({ text: `ran ${command.text}` });
      });
      app.action('press', async ({ ack }) => {
        ran.push('press');
        await ack();
      });
      await app.start();
      await socket.waitForConnection();
    });
    afterEach(async () => {
      await app.stop();
      await socket.waitForNoConnections();
      await socket.close();
      await standin.close();
    });

    it("hello, then slash_commands and interactive envelopes in Slack's shapes, each acked once with its payload", async () => {
      const slash = socket.pushSlashCommand({
        text: 'status all',
        user_id: USER,
        channel_id: CHANNEL,
        response_url: standin.responseUrl('s1'),
      });
      const press = socket.pushBlockActions({
        user: { id: USER },
        channel: { id: CHANNEL },
        message: { ts: '1.1' },
        actions: [{ action_id: 'press' }],
        response_url: standin.responseUrl('p1'),
      });
      expect((await socket.waitForAck(slash)).payload).toEqual({ text: 'ran status all' });
      expect((await socket.waitForAck(press)).payload).toEqual({});
      expect(socket.sent.map((e) => [e.type, e.accepts_response_payload])).toEqual([
        ['slash_commands', true],
        ['interactive', true],
      ]);
      expect(socket.acks.every((a) => a.latencyMs < 3000 && a.attempt === 0)).toBe(true);
      expect(() => socket.verify()).not.toThrow();
    });

    it('disconnect (refresh_requested): the client opens a new connection and gets the envelope whose ack was lost, once more', async () => {
      socket.loseNextAcks(1);
      const id = socket.pushSlashCommand({
        text: 'restart edge-1',
        user_id: USER,
        channel_id: CHANNEL,
        response_url: standin.responseUrl('s2'),
      });
      await standin.waitFor(() => socket.lostAcks.length === 1 || undefined, 3000, 'the lost ack');
      expect(socket.unacked().map((e) => e.envelope_id)).toEqual([id]);
      socket.sendDisconnect('refresh_requested');
      await socket.waitForConnectionsAccepted(2);
      const ack = await socket.waitForAck(id);
      expect(ack.attempt).toBe(1);
      expect(socket.sent.filter((e) => e.envelope_id === id).map((e) => e.retry_attempt ?? 0)).toEqual([0, 1]);
      expect(standin.callsTo('apps.connections.open')).toHaveLength(2);
      // The redelivery ran the listener again: the app has to recognise it (trigger_id), the transport does not.
      expect(ran).toEqual(['restart edge-1', 'restart edge-1']);
      expect(() => socket.verify()).not.toThrow();
    });

    it('verify() fails a test whose envelope was never acked', async () => {
      app.command('/quiet', async () => {
        ran.push('quiet');
        await Promise.resolve();
      });
      const id = socket.pushSlashCommand({
        command: '/quiet',
        text: '',
        user_id: USER,
        channel_id: CHANNEL,
        response_url: standin.responseUrl('q'),
      });
      await standin.waitFor(() => ran.includes('quiet') || undefined, 3000, 'the listener ran');
      expect(() => socket.verify()).toThrow(new RegExp(`envelope ${id} \\(slash_commands\\) never acked`));
      await sleep(3100);
      expect(socket.problems).toEqual([`envelope ${id} (slash_commands, attempt 0) not acked within 3000 ms`]);
    }, 10000);
  });
});
