import { checkReach, describeReach } from '../../../../src/cli/doctor/check-reach';
import { ChatopsError, ErrorCode } from '../../../../src/core/errors';

const b1 = { name: 'bastion-1', address: '10.0.1.2', port: 22, user: 'jump' };
const b2 = { name: 'bastion-2', address: '10.0.2.2', port: 22, user: 'jump' };
const edge = { name: 'edge-3', address: '10.0.3.2', port: 22, user: 'srsops' };
const agent = { kind: 'agent' as const, socket: '/run/agent.sock', fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519', comment: 'ops@bot' };

describe('doctor path finding', () => {
  it('describes the path, the identity and the pinned host keys', async () => {
    const hops = [b1, b2, edge].map((hop, i) => ({ hop, hostKey: `SHA256:k${i}`, auth: agent }));
    const f = await checkReach({ reach: () => Promise.resolve(hops) }, { ...edge, jump: [b1, b2] });
    expect(f).toEqual({
      host: 'edge-3',
      check: 'ssh',
      ok: true,
      detail:
        'srsops@10.0.3.2:22 via jump@bastion-1 (10.0.1.2:22) → jump@bastion-2 (10.0.2.2:22); auth: agent ed25519 SHA256:abc (ops@bot); host keys pinned (3)',
    });
  });

  it('names a bastion that logged in with another identity; a direct host has no via', () => {
    const key = { kind: 'key' as const, path: '/etc/srs-chatops/id_ed25519', fingerprint: 'SHA256:def', keyType: 'ssh-ed25519' };
    expect(
      describeReach([
        { hop: b1, hostKey: 'SHA256:x', auth: key },
        { hop: edge, hostKey: 'SHA256:y', auth: agent },
      ]),
    ).toBe(
      'srsops@10.0.3.2:22 via jump@bastion-1 (10.0.1.2:22); auth: agent ed25519 SHA256:abc (ops@bot); bastion-1 auth: key /etc/srs-chatops/id_ed25519 ed25519 SHA256:def; host keys pinned (2)',
    );
    expect(describeReach([{ hop: edge, hostKey: 'SHA256:y', auth: key }])).toBe(
      'srsops@10.0.3.2:22; auth: key /etc/srs-chatops/id_ed25519 ed25519 SHA256:def; host keys pinned (1)',
    );
  });

  it('on failure: the error naming the hop, and the ssh -J command to check the path by hand', async () => {
    const err = new ChatopsError(
      ErrorCode.HostKeyMismatch,
      'edge-3: bastion bastion-2 (jump@10.0.2.2:22): REFUSED: the host key of bastion-2 has CHANGED',
    );
    const f = await checkReach({ reach: () => Promise.reject(err) }, { ...edge, jump: [b1, b2] });
    expect(f).toEqual({
      host: 'edge-3',
      check: 'ssh',
      ok: false,
      detail: err.userMessage,
      fix: 'host_key_mismatch: fix the hop named; check the same path by hand with: ssh -J jump@10.0.1.2:22,jump@10.0.2.2:22 -p 22 srsops@10.0.3.2 true',
    });
  });
});
