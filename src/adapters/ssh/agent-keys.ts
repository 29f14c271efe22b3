import net from 'node:net';

/** One identity an ssh-agent holds, as it lists it (the public key blob, never key material). */
export interface AgentKey {
  blob: Buffer;
  comment: string;
  /** The blob's key type (`ssh-ed25519`, `ssh-ed25519-cert-v01@openssh.com`, …). */
  type: string;
}

const REQUEST_IDENTITIES = 11;
const IDENTITIES_ANSWER = 12;

/**
 * Lists the agent's identities over its socket (SSH_AGENTC_REQUEST_IDENTITIES), certificates included: ssh2's own
 * listing silently drops what it cannot parse, and the bot must be able to say "the agent holds only certificates".
 */
export function listAgentKeys(socket: string, timeoutMs = 5000): Promise<AgentKey[]> {
  return new Promise<AgentKey[]>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const conn = net.createConnection(socket);
    const fail = (err: Error) => {
      conn.destroy();
      reject(err);
    };
    conn.setTimeout(timeoutMs, () => fail(new Error(`ssh-agent at ${socket} did not answer in ${timeoutMs} ms`)));
    conn.on('error', (err) => fail(new Error(`cannot talk to ssh-agent at ${socket}: ${err.message}`)));
    conn.on('connect', () => conn.write(Buffer.from([0, 0, 0, 1, REQUEST_IDENTITIES])));
    conn.on('data', (d: Buffer) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      if (all.length < 4 || all.length < 4 + all.readUInt32BE(0)) return;
      conn.destroy();
      try {
        resolve(parseIdentitiesAnswer(all.subarray(4, 4 + all.readUInt32BE(0))));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** Parses an SSH_AGENT_IDENTITIES_ANSWER message body (type byte first). */
export function parseIdentitiesAnswer(msg: Buffer): AgentKey[] {
  if (msg[0] !== IDENTITIES_ANSWER) throw new Error(`ssh-agent answered message type ${String(msg[0])} to a key listing`);
  const reader = new WireReader(msg, 1);
  const count = reader.uint32();
  const keys: AgentKey[] = [];
  for (let i = 0; i < count; i++) {
    const blob = reader.string();
    const comment = reader.string().toString('utf8');
    keys.push({ blob, comment, type: new WireReader(blob, 0).string().toString('latin1') });
  }
  return keys;
}

/** Reads SSH wire-format integers and length-prefixed strings, refusing to read past the end. */
class WireReader {
  constructor(
    private readonly buf: Buffer,
    private pos: number,
  ) {}

  uint32(): number {
    if (this.pos + 4 > this.buf.length) throw new Error('malformed ssh-agent answer');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  string(): Buffer {
    const len = this.uint32();
    if (this.pos + len > this.buf.length) throw new Error('malformed ssh-agent answer');
    const s = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
}
