import type { ServerChannel, TcpipRequestInfo } from 'ssh2';
import { swapName, tcpKey, type Recording, type Scenario, type ScenarioName } from './recording';
import type { HostBackend } from './standin-fleet';

/** Commands or API reads a host was asked for that the recording does not hold (the bench fails on any). */
export interface Unrecorded {
  host: string;
  what: string;
}

/** The HTTP request's head is complete once this arrives; a GET carries no body. */
const HEAD_END = '\r\n\r\n';
const MAX_HEAD_BYTES = 16 * 1024;

/**
 * Answers as the recorded host did in one scenario, with the recorded host's name replaced by this host's name in
 * command lines (for the lookup) and in exec outputs. An unrecorded command exits 127 with a message on stderr and
 * is counted in `unrecorded`; an unrecorded API read gets a 599 answer and is counted too.
 */
export class ReplayBackend implements HostBackend {
  private readonly scenario: Scenario;

  constructor(
    private readonly recording: Recording,
    private readonly hostName: string,
    scenario: ScenarioName,
    private readonly unrecorded: Unrecorded[],
  ) {
    this.scenario = recording.scenarios[scenario];
  }

  exec(command: string, channel: ServerChannel): void {
    const recorded = this.scenario.execs[swapName(command, this.hostName, this.recording.hostName)];
    if (recorded === undefined) {
      this.unrecorded.push({ host: this.hostName, what: `exec ${command.slice(0, 200)}` });
      channel.stderr.write(`ssh stand-in: unrecorded command on ${this.hostName}\n`);
      channel.exit(127);
      channel.end();
      return;
    }
    const out = swapName(recorded.stdout, this.recording.hostName, this.hostName);
    const err = swapName(recorded.stderr, this.recording.hostName, this.hostName);
    if (out !== '') channel.write(out);
    if (err !== '') channel.stderr.write(err);
    if (recorded.code !== null) channel.exit(recorded.code);
    else channel.exit(recorded.signal ?? 'KILL', false, '');
    channel.end();
  }

  tcpip(info: TcpipRequestInfo, accept: () => ServerChannel, reject: () => void): void {
    // A refusal depends only on the port (nothing listens): decided before the request is read, as sshd does.
    const refused = Object.entries(this.scenario.tcp).some(([k, v]) => v.refused && k.startsWith(`${info.destPort} `));
    if (refused) return reject();
    const channel = accept();
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes(HEAD_END) && head.length < MAX_HEAD_BYTES) return;
      channel.off('data', onData);
      const key = tcpKey(info.destPort, head);
      const answer = this.scenario.tcp[key];
      if (answer === undefined || answer.refused) {
        this.unrecorded.push({ host: this.hostName, what: `tcp ${key}` });
        channel.end('HTTP/1.1 599 Unrecorded\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      channel.end(Buffer.from(answer.response, 'latin1'));
    };
    channel.on('data', onData);
    channel.on('error', () => undefined);
  }
}
