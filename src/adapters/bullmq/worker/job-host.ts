import { z } from 'zod';
import { hostSchema, type HostConfig } from '../../../../config/schema';
import type { HostTarget } from '../../../ports/host-port';
import type { HostJob } from '../../../ports/job-queue-port';
import { shortDigest } from '../../../core/inventory/inventory-snapshot';
import type { JobContext } from './job-context';

const hopSchema = z
  .object({
    name: z.string().min(1).max(253),
    address: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    user: z.string().min(1).max(64),
  })
  .strict();
const targetSchema = hopSchema.extend({ jump: z.array(hopSchema).min(1).max(8).optional() }).strict();

/** The host a job runs on: the entry it carries (or, from an older bot, this worker's own), or why it cannot run. */
export type JobHost =
  | { kind: 'carried'; host: HostConfig; target: HostTarget }
  | { kind: 'own'; host: HostConfig }
  | { kind: 'unknown' }
  | { kind: 'malformed'; reason: string };

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`)
    .join('; ');
}

/** The entry and target a job carries, checked (a job is data from Redis: a malformed one never reaches SSH). */
function carried(data: HostJob): JobHost {
  const entry = hostSchema.safeParse(data.entry);
  if (!entry.success) return { kind: 'malformed', reason: `its host entry is invalid (${issues(entry.error)})` };
  const target = targetSchema.safeParse(data.target);
  if (!target.success) return { kind: 'malformed', reason: `its SSH target is invalid (${issues(target.error)})` };
  if (entry.data.name !== data.host || target.data.name !== data.host)
    return { kind: 'malformed', reason: `its host entry names ${entry.data.name}, its target ${target.data.name}, not ${data.host}` };
  if (entry.data.address !== target.data.address || entry.data.port !== target.data.port)
    return { kind: 'malformed', reason: 'its SSH target does not point at its host entry' };
  const { jump, ...hop } = target.data;
  return { kind: 'carried', host: entry.data, target: { ...hop, ...(jump !== undefined ? { jump } : {}) } };
}

/**
 * Where the job runs: the host entry and target the bot resolved when it accepted the request (one source of truth:
 * this worker's own inventory is not consulted), or, for a job without them (queued by an older bot), this worker's
 * own entry, logged.
 */
export function jobHost(ctx: JobContext, data: HostJob): JobHost {
  const { logger } = ctx.opts;
  if (data.entry !== undefined || data.target !== undefined) {
    const found = carried(data);
    if (found.kind === 'carried' && data.inventoryDigest !== undefined && data.inventoryDigest !== ctx.inventoryDigest)
      logger.debug(
        { jobId: data.jobId, host: data.host, job: shortDigest(data.inventoryDigest), worker: shortDigest(ctx.inventoryDigest) },
        "job's inventory differs from this worker's file: running with the job's entry",
      );
    return found;
  }
  const own = ctx.hostsByName.get(data.host);
  logger.warn(
    { jobId: data.jobId, host: data.host, found: own !== undefined },
    "job carries no host entry (queued by an older bot): using this worker's own inventory",
  );
  return own === undefined ? { kind: 'unknown' } : { kind: 'own', host: own };
}
