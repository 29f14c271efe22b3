import { assessRedisSettings } from '../../../../src/cli/doctor/check-redis';
import { assessScopes } from '../../../../src/cli/doctor/check-slack';

const byCheck = (findings: ReturnType<typeof assessRedisSettings>) =>
  Object.fromEntries(findings.map((f) => [f.check, f.ok ? 'ok' : f.warnOnly ? 'WARN' : 'PROBLEM']));

describe('doctor: Redis settings', () => {
  it('AOF with everysec and noeviction is fine', () => {
    expect(
      byCheck(
        assessRedisSettings({
          config: { appendonly: 'yes', appendfsync: 'everysec', 'maxmemory-policy': 'noeviction' },
          info: { aof_last_write_status: 'ok', rdb_last_bgsave_status: 'ok' },
        }),
      ),
    ).toEqual({
      'redis persistence': 'ok',
      'redis fsync': 'ok',
      'redis eviction': 'ok',
    });
  });

  it('warns about lost durability, refuses eviction and failing writes', () => {
    const f = assessRedisSettings({
      config: { appendonly: 'yes', appendfsync: 'no', 'maxmemory-policy': 'volatile-lru' },
      info: { aof_last_write_status: 'err', rdb_last_bgsave_status: 'err' },
    });
    expect(byCheck(f)).toEqual({
      'redis persistence': 'ok',
      'redis fsync': 'WARN',
      'redis eviction': 'PROBLEM',
      'redis aof writes': 'PROBLEM',
      'redis snapshots': 'PROBLEM',
    });
    expect(f.find((x) => x.check === 'redis aof writes')?.fix).toMatch(/check the disk/);
  });

  it('a Redis that refuses CONFIG (managed) is a warning that says what to check by hand', () => {
    const f = assessRedisSettings({ configError: "ERR unknown command 'CONFIG'", info: {} });
    expect(f).toEqual([
      {
        host: '-',
        check: 'redis settings',
        ok: false,
        warnOnly: true,
        detail: "CONFIG GET refused (ERR unknown command 'CONFIG')",
        fix: expect.stringMatching(/appendonly yes and maxmemory-policy noeviction/) as string,
      },
    ]);
  });
});

describe('doctor: Slack scopes', () => {
  it('names missing scopes as problems and extra ones as warnings', () => {
    expect(assessScopes(['chat:write', 'commands']).map((f) => f.ok)).toEqual([true]);
    const f = assessScopes(['chat:write', 'users:read']);
    expect(f.map((x) => [x.check, x.ok, x.warnOnly ?? false, x.detail])).toEqual([
      ['slack scopes', false, false, 'missing commands (has chat:write,users:read)'],
      ['slack least privilege', false, true, 'not needed: users:read'],
    ]);
  });
});
