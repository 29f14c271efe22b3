import { redisTarget } from '../../adapters/redis/redis-target';
import { sentinelPrimary } from '../../adapters/redis/sentinel-watch';
import type { Finding } from './finding';

/**
 * With a Sentinel REDIS_URL: which primary the Sentinels name now, and how many of them agree. Nothing for a plain
 * `redis://` URL (and nothing for one it cannot read: checkRedis says why).
 */
export async function checkSentinel(url: string): Promise<Finding[]> {
  let target;
  try {
    target = redisTarget(url);
  } catch {
    return [];
  }
  if (target.kind !== 'sentinel') return [];
  const all = target.sentinels.length;
  try {
    const { primary, answered, errors } = await sentinelPrimary(target);
    const agree = `${answered.length}/${all} Sentinels name it`;
    return [
      {
        host: '-',
        check: 'redis-sentinel',
        ok: errors.length === 0,
        warnOnly: true,
        detail: `primary of "${target.name}" is ${primary} (${agree})${errors.length > 0 ? `; ${errors.join('; ')}` : ''}`,
        ...(errors.length > 0 ? { fix: 'start the Sentinels that do not answer, or remove them from REDIS_URL' } : {}),
      },
    ];
  } catch (err) {
    return [
      {
        host: '-',
        check: 'redis-sentinel',
        ok: false,
        detail: err instanceof Error ? err.message : String(err),
        fix: `start the Sentinels of REDIS_URL, and check the master name (sentinel monitor <name> …) and sentinelPassword`,
      },
    ];
  }
}
