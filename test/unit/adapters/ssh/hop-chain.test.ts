import { chainKey, hopAddress, hopsOf, sshJumpCommand } from '../../../../src/adapters/ssh/hop-chain';

const b1 = { name: 'bastion-1', address: '10.0.1.2', port: 22, user: 'jump' };
const b2 = { name: 'bastion-2', address: '10.0.2.2', port: 2222, user: 'jump' };
const edge = { name: 'edge-3', address: '10.0.3.2', port: 22, user: 'srsops' };

describe('hop chain', () => {
  it('lists the bastions outermost first, then the target', () => {
    expect(hopsOf({ ...edge, jump: [b1, b2] })).toEqual([b1, b2, edge]);
    expect(hopsOf(edge)).toEqual([edge]);
  });

  it('keys each hop by the chain that reaches it, so targets behind a bastion share its key', () => {
    const hops = hopsOf({ ...edge, jump: [b1, b2] });
    expect(chainKey(hops, 0)).toBe('jump@10.0.1.2:22');
    expect(chainKey(hops, 1)).toBe('jump@10.0.1.2:22>jump@10.0.2.2:2222');
    expect(chainKey(hops, 2)).toBe('jump@10.0.1.2:22>jump@10.0.2.2:2222>srsops@10.0.3.2:22');
    const other = hopsOf({ ...edge, name: 'edge-4', address: '10.0.3.3', jump: [b1, b2] });
    expect(chainKey(other, 1)).toBe(chainKey(hops, 1));
    expect(chainKey(other, 2)).not.toBe(chainKey(hops, 2));
    // the same address reached directly is another connection
    expect(chainKey(hopsOf(edge), 0)).toBe('srsops@10.0.3.2:22');
  });

  it('gives the ssh -J command that checks the same path', () => {
    expect(hopAddress(b2)).toBe('jump@10.0.2.2:2222');
    expect(sshJumpCommand({ ...edge, jump: [b1, b2] })).toBe('ssh -J jump@10.0.1.2:22,jump@10.0.2.2:2222 -p 22 srsops@10.0.3.2 true');
    expect(sshJumpCommand(edge)).toBe('ssh -p 22 srsops@10.0.3.2 true');
  });
});
