import { parseIdentitiesAnswer } from '../../../../src/adapters/ssh/agent-keys';

const str = (b: Buffer | string) => {
  const body = Buffer.isBuffer(b) ? b : Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

describe('ssh-agent identities answer', () => {
  it('lists every identity with its type and comment, certificates included', () => {
    const plain = Buffer.concat([str('ssh-ed25519'), str(Buffer.alloc(32, 1))]);
    const cert = Buffer.concat([str('ssh-ed25519-cert-v01@openssh.com'), str(Buffer.alloc(32, 2))]);
    const msg = Buffer.concat([Buffer.from([12]), u32(2), str(plain), str('ops@laptop'), str(cert), str('ops cert')]);
    expect(parseIdentitiesAnswer(msg).map((k) => [k.type, k.comment, k.blob.length])).toEqual([
      ['ssh-ed25519', 'ops@laptop', plain.length],
      ['ssh-ed25519-cert-v01@openssh.com', 'ops cert', cert.length],
    ]);
  });

  it('refuses a truncated or unexpected answer', () => {
    expect(() => parseIdentitiesAnswer(Buffer.concat([Buffer.from([12]), u32(1), u32(50)]))).toThrow(/malformed ssh-agent answer/);
    expect(() => parseIdentitiesAnswer(Buffer.from([5]))).toThrow(/message type 5/);
  });
});
