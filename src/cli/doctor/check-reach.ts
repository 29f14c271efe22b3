import { asChatopsError } from '../../core/errors';
import type { HostTarget } from '../../ports/host-port';
import { hopAddress, sshJumpCommand } from '../../adapters/ssh/hop-chain';
import { describeAuth } from '../../adapters/ssh/identity';
import type { HopReport } from '../../adapters/ssh/reach-report';
import type { Finding } from './finding';

/** What check-reach needs of the SSH adapter (SshHost has it). */
export interface ReachProbe {
  reach(target: HostTarget): Promise<HopReport[]>;
}

/**
 * Doctor's `path` finding for one host: how it is reached (each bastion, the login, the identity that logged in, the
 * host keys pinned), e.g. `srsops@10.0.3.2:22 via jump@bastion-1 (10.0.1.2:22) → jump@bastion-2 (10.0.2.2:22);
 * auth: agent ed25519 SHA256:… (ops); host keys pinned (3)`. On failure: the error (it names the hop that failed) and
 * the fix, with the `ssh -J` command that checks the same path by hand.
 */
export async function checkReach(ssh: ReachProbe, target: HostTarget): Promise<Finding> {
  try {
    const hops = await ssh.reach(target);
    return { host: target.name, check: 'ssh', ok: true, detail: describeReach(hops) };
  } catch (err) {
    const e = asChatopsError(err);
    return {
      host: target.name,
      check: 'ssh',
      ok: false,
      detail: e.userMessage,
      fix: `${e.code}: fix the hop named; check the same path by hand with: ${sshJumpCommand(target)}`,
    };
  }
}

/** The `detail` of a path that worked (hops outermost first, the target last). */
export function describeReach(hops: readonly HopReport[]): string {
  const target = hops[hops.length - 1];
  if (target === undefined) return 'no hop';
  const bastions = hops.slice(0, -1);
  const via =
    bastions.length > 0 ? ` via ${bastions.map((b) => `${b.hop.user}@${b.hop.name} (${b.hop.address}:${b.hop.port})`).join(' → ')}` : '';
  const auth = target.auth ? describeAuth(target.auth) : 'unknown';
  const otherAuth = bastions
    .filter((b) => b.auth && target.auth && describeAuth(b.auth) !== auth)
    .map((b) => `; ${b.hop.name} auth: ${b.auth ? describeAuth(b.auth) : 'unknown'}`)
    .join('');
  const pinned = hops.filter((h) => h.hostKey !== undefined).length;
  return `${hopAddress(target.hop)}${via}; auth: ${auth}${otherAuth}; host keys pinned (${pinned})`;
}
