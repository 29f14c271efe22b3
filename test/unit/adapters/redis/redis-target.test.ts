import { redisTarget, RedisTargetError } from '../../../../src/adapters/redis/redis-target';
import { redactRedisUrl } from '../../../../src/adapters/redis/redact-redis-url';
import { explainRedisError } from '../../../../src/adapters/redis/explain-redis-error';

describe('redisTarget', () => {
  it('passes redis:// and rediss:// to ioredis as they are', () => {
    expect(redisTarget('redis://:pw@h:6379/2')).toEqual({ kind: 'direct', url: 'redis://:pw@h:6379/2' });
    expect(redisTarget('rediss://h').kind).toBe('direct');
  });

  it('reads the Sentinel form: sentinels, master name, db, credentials, Sentinel credentials, failover handling', () => {
    const t = redisTarget(
      'redis+sentinel://app:p%40ss@10.0.0.1:26380,10.0.0.2,[::1]:26381/srs-chatops/3?sentinelPassword=s%26t&sentinelUsername=sen',
    );
    if (t.kind !== 'sentinel') throw new Error('not sentinel');
    expect(t.name).toBe('srs-chatops');
    expect(t.sentinels).toEqual([
      { host: '10.0.0.1', port: 26380 },
      { host: '10.0.0.2', port: 26379 },
      { host: '::1', port: 26381 },
    ]);
    expect(t.options).toMatchObject({
      name: 'srs-chatops',
      role: 'master',
      db: 3,
      username: 'app',
      password: 'p@ss',
      sentinelPassword: 's&t',
      sentinelUsername: 'sen',
      failoverDetector: true,
    });
    expect(t.wait).toBeUndefined();
    const reconnect = t.options.reconnectOnError as (e: Error) => unknown;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(reconnect(new Error('ERR other'))).toBe(false);
  });

  it('reads the replica wait, and TLS', () => {
    const t = redisTarget('redis+sentinel://h:1/m?waitReplicas=1&waitTimeoutMs=250&tls=true');
    expect(t.kind === 'sentinel' && t.wait).toEqual({ replicas: 1, timeoutMs: 250 });
    expect(t.kind === 'sentinel' && t.options.enableTLSForSentinelMode).toBe(true);
  });

  it.each([
    ['redis+sentinel://h:26379', /master name/],
    ['redis+sentinel://h:26379/m/x', /database "x"/],
    ['redis+sentinel://h:99999/m', /out of range/],
    ['redis+sentinel://h/m?waitReplicas=one', /whole numbers/],
    ['http://h', /must start with redis:\/\//],
  ])('refuses %s with a message that says what to write', (url, message) => {
    expect(() => redisTarget(url)).toThrow(RedisTargetError);
    expect(() => redisTarget(url)).toThrow(message);
  });

  it('the messages never hold the password; redaction and explanations cover the Sentinel form', () => {
    let message = '';
    try {
      redisTarget('redis+sentinel://:s3cret@h:1/m/x');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('s3cret');
    expect(redactRedisUrl('redis+sentinel://u:s3cret@a:1,b:2/m/0?sentinelPassword=t0k')).toBe(
      'redis+sentinel://u:***@a:1,b:2/m/0?sentinelPassword=***',
    );
    expect(explainRedisError(message).fix).toMatch(/redis\+sentinel:\/\//);
    expect(explainRedisError('All sentinels are unreachable. Retrying from scratch after 10ms.').reason).toMatch(/no Sentinel/);
  });
});
