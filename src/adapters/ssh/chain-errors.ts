import { ChatopsError, ErrorCode, asChatopsError } from '../../core/errors';
import type { HopTarget } from '../../ports/host-port';
import { hopAddress } from './hop-chain';

/** ssh2's channel-open failure reasons (RFC 4254 §5.1), in words. */
const OPEN_FAILURE_REASONS: Readonly<Record<number, string>> = {
  1: 'administratively prohibited: the bastion forbids TCP forwarding (AllowTcpForwarding) or this destination (PermitOpen)',
  2: 'connect failed: nothing listens there, or the bastion has no route to it',
  3: 'unknown channel type',
  4: 'resource shortage on the bastion',
};

/** A forward through a bastion that failed (its message already names the bastion and the destination). */
export class ForwardRefused extends ChatopsError {}

/**
 * A refused `direct-tcpip` from the bastion `via` to the next hop `to`: which hop, which forward, and why, e.g.
 * `cannot reach through bastion-2 (jump@10.0.2.2:22): forward to 10.0.3.2:22 refused (administratively prohibited…)`.
 */
export function forwardError(via: HopTarget, to: HopTarget, err: unknown): ForwardRefused {
  const reason = typeof err === 'object' && err !== null && 'reason' in err ? Number(err.reason) : NaN;
  const message = err instanceof Error ? err.message.replace(/^\(SSH\) /, '') : String(err);
  const why = OPEN_FAILURE_REASONS[reason] ?? message.slice(0, 160);
  return new ForwardRefused(
    ErrorCode.SshConnectFailed,
    `cannot reach through ${via.name} (${hopAddress(via)}): forward to ${to.address}:${to.port} (${to.name}) refused (${why}).`,
    { cause: err, retryable: reason !== 1 },
  );
}

/**
 * The error of a target whose chain failed at `hops[index]`, naming the hop: the target's own errors stay as they are
 * when it has no bastions; otherwise they are prefixed with the target and the hop (`edge-3: bastion bastion-1
 * (jump@10.0.1.2:22): …`, or `edge-3 (through bastion-1 → bastion-2): …` when the target's own handshake failed).
 */
export function chainError(hops: readonly HopTarget[], index: number, err: unknown): ChatopsError {
  const e = asChatopsError(err);
  const target = hops[hops.length - 1];
  const hop = hops[index];
  if (target === undefined || hop === undefined || hops.length === 1) return e;
  const prefix =
    e instanceof ForwardRefused
      ? target.name
      : index === hops.length - 1
        ? `${target.name} (through ${hops
            .slice(0, -1)
            .map((h) => h.name)
            .join(' → ')})`
        : `${target.name}: bastion ${hop.name} (${hopAddress(hop)})`;
  return new ChatopsError(e.code, `${prefix}: ${e.userMessage}`, { cause: e, retryable: e.retryable });
}
