import fs from 'node:fs';
import { Client, type ClientChannel, type ServerChannel, type TcpipRequestInfo } from 'ssh2';
import { emptyScenario, tcpKey, type Recording, type ScenarioName } from './recording';
import type { HostBackend } from './standin-fleet';

export interface UpstreamHost {
  port: number;
  user: string;
  privateKeyPath: string;
  /** The upstream's pinned public key line (`ssh-ed25519 AAAA...`): the proxy checks it as the worker would. */
  hostPublicKey: string;
}

/**
 * Passes every exec and direct-tcpip channel to a real host (sshd + login shell + the SRS simulator) over one ssh2
 * connection, and records what it answered under the current scenario. Execs are recorded as their output and exit;
 * a channel as the bytes the host sent back, or as refused when the host could not connect (nothing listens).
 */
export class RecordingProxy implements HostBackend {
  scenario: ScenarioName = 'up';
  readonly recording: Recording;
  private upstream: Client | undefined;

  constructor(
    hostName: string,
    private readonly up: UpstreamHost,
  ) {
    this.recording = { hostName, scenarios: { up: emptyScenario(), down: emptyScenario() } };
  }

  async connect(): Promise<void> {
    const pinned = Buffer.from(this.up.hostPublicKey.trim().split(/\s+/)[1] ?? '', 'base64');
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
      client.connect({
        host: '127.0.0.1',
        port: this.up.port,
        username: this.up.user,
        privateKey: fs.readFileSync(this.up.privateKeyPath),
        hostVerifier: (key: Buffer) => key.equals(pinned),
        readyTimeout: 20_000,
      });
    });
    client.on('error', () => undefined);
    this.upstream = client;
  }

  close(): void {
    this.upstream?.end();
  }

  /** Runs a command on the upstream directly (not recorded): to change the host's state between scenarios. */
  run(command: string): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve, reject) => {
      this.client().exec(command, (err, ch) => {
        if (err) return reject(err);
        let out = '';
        let code: number | null = null;
        ch.on('data', (d: Buffer) => (out += d.toString()));
        ch.stderr.on('data', (d: Buffer) => (out += d.toString()));
        ch.on('exit', (c: number | null) => (code = c));
        ch.on('close', () => resolve({ code, out }));
      });
    });
  }

  exec(command: string, channel: ServerChannel): void {
    const scenario = this.recording.scenarios[this.scenario];
    this.client().exec(command, (err, up) => {
      if (err) {
        channel.stderr.write(`recording proxy: ${err.message}\n`);
        channel.exit(255);
        channel.end();
        return;
      }
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      let signal: string | undefined;
      up.on('data', (d: Buffer) => {
        stdout += d.toString('utf8');
        channel.write(d);
      });
      up.stderr.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
        channel.stderr.write(d);
      });
      up.on('exit', (c: number | null, sig?: string) => {
        code = c;
        signal = sig ?? undefined;
      });
      up.on('close', () => {
        scenario.execs[command] = { stdout, stderr, code, ...(signal !== undefined ? { signal } : {}) };
        if (code !== null) channel.exit(code);
        else channel.exit(signal ?? 'KILL', false, '');
        channel.end();
      });
    });
  }

  tcpip(info: TcpipRequestInfo, accept: () => ServerChannel, reject: () => void): void {
    const scenario = this.recording.scenarios[this.scenario];
    this.client().forwardOut(info.srcIP, info.srcPort, info.destIP, info.destPort, (err, up: ClientChannel) => {
      if (err) {
        scenario.tcp[`${info.destPort} *`] = { refused: true };
        return reject();
      }
      const channel = accept();
      let request = '';
      const response: Buffer[] = [];
      channel.on('data', (d: Buffer) => {
        request += d.toString('latin1');
        up.write(d);
      });
      channel.on('end', () => up.end());
      channel.on('error', () => undefined);
      up.on('data', (d: Buffer) => {
        response.push(d);
        channel.write(d);
      });
      up.on('close', () => {
        scenario.tcp[tcpKey(info.destPort, request)] = { refused: false, response: Buffer.concat(response).toString('latin1') };
        channel.end();
      });
    });
  }

  private client(): Client {
    if (!this.upstream) throw new Error('recording proxy: not connected');
    return this.upstream;
  }
}
