import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { launchFleet } from '../../../test/support/fleet';
import type { SlackStandin } from '../../../test/support/slack/slack-standin';
import { slash } from '../bot-client';
import { WorkerHandle } from '../bot-client';
import { BotProcess } from '../bot-process';
import { waitResults } from '../bot-runs';
import { describeRecording, type Recording } from './recording';
import { RecordingProxy } from './recording-proxy';
import { StandinFleet } from './standin-fleet';
import { writeBenchConfig, type HostEntry } from './standin-config';

/** The recorded host's name: a token that appears nowhere else in paths or outputs. */
export const RECORDED_NAME = 'srsrec';

export interface RecordedHost {
  recording: Recording;
  /** The recorded host's config entry (its SSH port is the proxy's; replace it per stand-in host). */
  entry: HostEntry;
}

/**
 * Records what a real simulator host (the project's fleet launcher: its own OpenSSH sshd, login shell and the SRS
 * simulator) answers to every exec and API read of a `status` job, through the real bot and a real worker process:
 * once with SRS running (`up`), once after SRS's init.d `stop` (`down`). The worker talks to a {@link RecordingProxy}
 * stand-in host, which passes everything to the real host and keeps the answers.
 */
export async function recordHost(o: {
  dir: string;
  redisUrl: string;
  redisClient: Redis;
  standin: SlackStandin;
  clientKeyPath: string;
  log: (msg: string) => void;
}): Promise<RecordedHost> {
  const fleet = await launchFleet({ dir: path.join(o.dir, 'rec-fleet'), hosts: [{ name: RECORDED_NAME }] });
  const stops: Array<() => Promise<void>> = [() => fleet.stop()];
  try {
    const real = fleet.host(RECORDED_NAME);
    const proxy = new RecordingProxy(RECORDED_NAME, {
      port: real.sshPort,
      user: fleet.user,
      privateKeyPath: fleet.clientKeyPath,
      hostPublicKey: fs.readFileSync(`${real.sshd.hostKeyPath}.pub`, 'utf8'),
    });
    await proxy.connect();
    stops.push(() => Promise.resolve(proxy.close()));
    const standinFleet = await StandinFleet.start({
      dir: path.join(o.dir, 'rec-standin'),
      clientPublicKeyPath: `${o.clientKeyPath}.pub`,
      hosts: [{ name: RECORDED_NAME, refuseAuth: false, backend: proxy }],
    });
    stops.push(() => standinFleet.stop());
    const doc = fleet.toConfigObject();
    const entry = (doc.hosts as HostEntry[])[0];
    if (entry === undefined) throw new Error('the recording fleet has no host');
    const configPath = path.join(o.dir, 'config-record.yml');
    writeBenchConfig(configPath, {
      hosts: [{ ...entry, port: standinFleet.port(RECORDED_NAME) }],
      privateKeyPath: o.clientKeyPath,
      knownHostsPath: standinFleet.knownHostsPath,
      concurrency: 50,
    });
    const worker = await WorkerHandle.start({
      id: 'w-record',
      configPath,
      redisUrl: o.redisUrl,
      logPath: path.join(o.dir, 'worker-record.log'),
    });
    stops.push(async () => void (await worker.stop()));
    const bot = new BotProcess(
      { redisUrl: o.redisUrl, redisClient: o.redisClient, standin: o.standin, dir: o.dir },
      configPath,
      path.join(o.dir, 'bot-record.log'),
      RECORDED_NAME,
    );
    stops.push(() => bot.stop());
    await bot.start();
    const statusOnce = async (): Promise<void> => {
      const ack = await slash(bot.ctx, `status ${RECORDED_NAME}`);
      if (ack.requestId === undefined) throw new Error(`recording: status not accepted: ${ack.body.slice(0, 200)}`);
      await waitResults(o.redisClient, [ack.requestId], 1, ack.t0, 60_000);
    };
    // Twice each: the first job on a fresh connection and a later one on the pooled connection.
    await statusOnce();
    await statusOnce();
    const stopped = await proxy.run(`cd '${real.root}' && ./etc/init.d/srs stop`);
    if (stopped.code !== 0) throw new Error(`recording: init.d stop exited ${String(stopped.code)}: ${stopped.out.slice(0, 300)}`);
    proxy.scenario = 'down';
    await statusOnce();
    await statusOnce();
    o.log(`recorded ${RECORDED_NAME}: ${describeRecording(proxy.recording)}`);
    return { recording: proxy.recording, entry };
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => o.log(`recording cleanup: ${String(err)}`));
  }
}
