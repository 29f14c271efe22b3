import { redactRedisUrl } from '../../src/adapters/redis/redis-connection';

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
});
