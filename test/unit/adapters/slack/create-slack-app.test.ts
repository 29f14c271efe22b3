import fs from 'node:fs';
import { parse } from 'yaml';
import { createLogger } from '../../../../src/adapters/logger';
import { parseCommand } from '../../../../src/core/parse-command';
import { createSlackApp, type SlashCommandInput } from '../../../../src/adapters/slack/create-slack-app';
import { SlackChat } from '../../../../src/adapters/slack/slack-chat';
import { allocatePorts } from '../../../support/free-port';
import { postSigned, slashCommandBody } from '../../../support/slack/sign-request';
import { startSlackStandin } from '../../../support/slack/slack-standin';
import { startSocketModeStandin } from '../../../support/slack/socket-mode-standin';
import type { ButtonInput } from '../../../../src/adapters/slack/create-slack-app';

const CHANNEL = 'C0TEST001';
const USER = 'U0TEST001';

describe('createSlackApp (Bolt): transport only, acks with the use case answer', () => {
  it('HTTP mode: verifies the signature, acks ephemerally, then runs the follow-up that posts via the Web API', async () => {
    const standin = await startSlackStandin();
    const [port] = await allocatePorts(1);
    const seen: SlashCommandInput[] = [];
    const app = createSlackApp({
      botToken: standin.token,
      signingSecret: 's3cret',
      port: port,
      slackApiUrl: standin.url,
      botId: standin.identity.botId,
      botUserId: standin.identity.botUserId,
      retries: 0,
      logger: createLogger('test'),
      onCommand: (input) => {
        seen.push(input);
        return Promise.resolve({
          ephemeral: { text: 'Queued `status` on 1 host' },
          followUp: async () => {
            await new SlackChat(app.client).post(input.channelId, { text: `parent for ${input.text}` });
          },
        });
      },
    });
    await app.start(port as number);
    try {
      const res = await postSigned(
        `http://127.0.0.1:${port as number}/slack/events`,
        slashCommandBody({ text: 'status edge-1', user_id: USER, channel_id: CHANNEL, response_url: standin.responseUrl('x') }),
        { secret: 's3cret' },
      );
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ response_type: 'ephemeral', text: 'Queued `status` on 1 host' });
      expect(seen).toEqual([
        { userId: USER, channelId: CHANNEL, text: 'status edge-1', triggerId: expect.stringMatching(/standin/) as unknown },
      ]);
      await standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text === 'parent for status edge-1'));
      const forged = await postSigned(
        `http://127.0.0.1:${port as number}/slack/events`,
        slashCommandBody({ text: 'stop all', user_id: USER, channel_id: CHANNEL, response_url: 'x' }),
        { secret: 'other' },
      );
      expect(forged.status).toBe(401);
      expect(seen).toHaveLength(1);
    } finally {
      await app.stop();
      await standin.close();
    }
  });

  it('Socket Mode (SLACK_APP_TOKEN): connects with the app token and acks a slash command', async () => {
    const standin = await startSlackStandin();
    const socket = await startSocketModeStandin({ slack: standin });
    const app = createSlackApp({
      botToken: standin.token,
      signingSecret: 'unused-in-socket-mode',
      appToken: standin.appToken,
      slackApiUrl: standin.url,
      botId: standin.identity.botId,
      botUserId: standin.identity.botUserId,
      retries: 0,
      logger: createLogger('test'),
      onCommand: (input) => Promise.resolve({ ephemeral: { text: `got ${input.text} from ${input.userId}` } }),
    });
    try {
      await app.start();
      await socket.waitForConnection();
      expect(standin.callsTo('apps.connections.open')[0]?.token).toBe(standin.appToken);
      const id = socket.pushSlashCommand({
        text: 'status all',
        user_id: USER,
        channel_id: CHANNEL,
        response_url: standin.responseUrl('sm'),
      });
      const ack = await socket.waitForAck(id);
      expect(ack.payload).toEqual({ response_type: 'ephemeral', text: `got status all from ${USER}` });
    } finally {
      await app.stop();
      await socket.waitForNoConnections();
      await socket.close();
      await standin.close();
    }
  });
});

describe('Socket Mode delivery and the manifest', () => {
  it('a button press redelivered after a reconnect (its ack lost) is acked again and handled once', async () => {
    const standin = await startSlackStandin();
    const socket = await startSocketModeStandin({ slack: standin });
    const presses: ButtonInput[] = [];
    const app = createSlackApp({
      botToken: standin.token,
      signingSecret: '',
      appToken: standin.appToken,
      slackApiUrl: standin.url,
      botId: standin.identity.botId,
      botUserId: standin.identity.botUserId,
      retries: 0,
      logger: createLogger('test'),
      onCommand: () => Promise.resolve({ ephemeral: { text: 'unused' } }),
      onAction: (input) => {
        presses.push(input);
        return Promise.resolve({});
      },
    });
    try {
      await app.start();
      await socket.waitForConnection();
      socket.loseNextAcks(1);
      const id = socket.pushBlockActions({
        user: { id: USER },
        channel: { id: CHANNEL },
        message: { ts: '1700000000.000100' },
        actions: [{ action_id: 'srs_grace_force', value: 'v' }],
        response_url: standin.responseUrl('p'),
      });
      await standin.waitFor(() => socket.lostAcks.length === 1 || undefined, 3000, 'the first (lost) ack');
      socket.sendDisconnect('refresh_requested');
      const ack = await socket.waitForAck(id, 15000);
      expect(ack.attempt).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(presses).toEqual([
        { actionId: 'srs_grace_force', value: 'v', userId: USER, channelId: CHANNEL, messageTs: '1700000000.000100' },
      ]);
      expect(() => socket.verify()).not.toThrow();
    } finally {
      await app.stop();
      await socket.waitForNoConnections();
      await socket.close();
      await standin.close();
    }
  }, 20000);

  it('the manifest escapes /srs mentions, and `--user <@U…|name>` (what Slack then sends) reads as the member id', () => {
    const manifest = parse(fs.readFileSync('slack-app-manifest.yml', 'utf8')) as {
      features: { slash_commands: Array<{ command: string; should_escape: boolean }> };
    };
    expect(manifest.features.slash_commands.find((c) => c.command === '/srs')?.should_escape).toBe(true);
    const parsed = parseCommand('history edge-1 --user <@U0JANE123|jane.doe>');
    expect(parsed).toMatchObject({ ok: true, command: { kind: 'history', filters: { user: { id: 'U0JANE123' } } } });
    expect(parseCommand('history --user <@W0JANE123>')).toMatchObject({ ok: true, command: { filters: { user: { id: 'W0JANE123' } } } });
  });
});
