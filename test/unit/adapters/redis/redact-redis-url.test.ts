import { redactRedisUrl } from '../../../../src/adapters/redis/redis-connection';

describe('redactRedisUrl: a Redis URL fit for logs and error messages', () => {
  it('hides the password, keeps the user name, host, port and database', () => {
    expect(redactRedisUrl('redis://user:s3cret@10.0.0.5:6380/2')).toBe('redis://user:***@10.0.0.5:6380/2');
    expect(redactRedisUrl('redis://:s3cret@127.0.0.1:1')).toBe('redis://:***@127.0.0.1:1');
    expect(redactRedisUrl('rediss://user:pa:ss@host')).toBe('rediss://user:***@host');
  });
  it('hides a bare password (no colon) too, and leaves a URL without credentials alone', () => {
    expect(redactRedisUrl('redis://s3cret@host')).toBe('redis://***@host');
    expect(redactRedisUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
  });

  it('hides a password given in any other form ioredis accepts: query parameters, TLS, unencoded specials', () => {
    const cases: Array<[string, string]> = [
      ['redis://10.0.0.5:6379?password=s3cret', 'redis://10.0.0.5:6379?password=***'],
      ['redis://10.0.0.5:6379/2?username=ops&password=s3cret&db=3', 'redis://10.0.0.5:6379/2?username=ops&password=***&db=3'],
      ['rediss://host:6380/?pass=s3cret', 'rediss://host:6380/?pass=***'],
      ['redis://host?pass%77ord=s3cret', 'redis://host?pass%77ord=***'],
      ['redis://host?sentinelPassword=s3cret&name=m', 'redis://host?sentinelPassword=***&name=m'],
      ['redis://host?password=s3&cret', 'redis://host?password=***'],
      ['redis://host?password=s3@cret', 'redis://host?password=***'],
      ['rediss://ops:s3cret@host:6380?password=s3cret', 'rediss://ops:***@host:6380?password=***'],
      ['redis://ops:s3@cret@host/0', 'redis://ops:***@host/0'],
      ['redis://:s3/cr?et@host', 'redis://:***@host'],
      ['redis://:s3#cret@host', 'redis://:***@host'],
      ['ops:s3cret@host:6379', '***@host:6379'],
    ];
    for (const [url, shown] of cases) {
      expect([url, redactRedisUrl(url)]).toEqual([url, shown]);
      expect(redactRedisUrl(url)).not.toMatch(/s3|cret/);
    }
  });
});
