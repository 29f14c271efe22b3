import { ChatopsError, ErrorCode } from '../../../../src/core/errors';
import { chainError, forwardError } from '../../../../src/adapters/ssh/chain-errors';

const b1 = { name: 'bastion-1', address: '10.0.1.2', port: 22, user: 'jump' };
const b2 = { name: 'bastion-2', address: '10.0.2.2', port: 22, user: 'jump' };
const edge = { name: 'edge-3', address: '10.0.3.2', port: 22, user: 'srsops' };
const hops = [b1, b2, edge];

describe('chain errors', () => {
  it('names the bastion and the forward it refused, and why', () => {
    const refused = Object.assign(new Error('(SSH) Channel open failure: open failed'), { reason: 1 });
    const e = chainError(hops, 2, forwardError(b2, edge, refused));
    expect(e.code).toBe(ErrorCode.SshConnectFailed);
    expect(e.retryable).toBe(false);
    expect(e.userMessage).toBe(
      'edge-3: cannot reach through bastion-2 (jump@10.0.2.2:22): forward to 10.0.3.2:22 (edge-3) refused (administratively prohibited: the bastion forbids TCP forwarding (AllowTcpForwarding) or this destination (PermitOpen)).',
    );
    const closed = Object.assign(new Error('(SSH) Channel open failure: Connection refused'), { reason: 2 });
    expect(forwardError(b1, b2, closed).userMessage).toMatch(
      /through bastion-1 .*forward to 10\.0\.2\.2:22 \(bastion-2\) refused \(connect failed/,
    );
    expect(forwardError(b1, b2, closed).retryable).toBe(true);
  });

  it('prefixes a bastion failure with the target and the bastion', () => {
    const e = chainError(hops, 0, new ChatopsError(ErrorCode.HostKeyMismatch, 'REFUSED: the host key of bastion-1 has CHANGED'));
    expect(e.code).toBe(ErrorCode.HostKeyMismatch);
    expect(e.userMessage).toBe('edge-3: bastion bastion-1 (jump@10.0.1.2:22): REFUSED: the host key of bastion-1 has CHANGED');
  });

  it('says which bastions the target was reached through when its own handshake failed', () => {
    const e = chainError(hops, 2, new ChatopsError(ErrorCode.HostKeyUnknown, 'REFUSED: edge-3 is not in known_hosts'));
    expect(e.userMessage).toBe('edge-3 (through bastion-1 → bastion-2): REFUSED: edge-3 is not in known_hosts');
  });

  it('leaves a direct target error as it is', () => {
    const original = new ChatopsError(ErrorCode.SshConnectTimeout, 'edge-3 did not answer SSH in time', { retryable: true });
    expect(chainError([edge], 0, original)).toBe(original);
  });
});
