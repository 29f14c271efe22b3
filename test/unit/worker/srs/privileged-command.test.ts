import { hostSchema, workerSchema } from '../../../../config/schema';
import { ChatopsError, ErrorCode } from '../../../../src/core/errors';
import { createLogger } from '../../../../src/adapters/logger';
import type { ExecResult, HostPort } from '../../../../src/ports/host-port';
import type { HostContext } from '../../../../src/worker/srs/host-context';
import {
  assertPrivilegeGranted,
  helperArgv,
  installCommandArgv,
  privilegedArgv,
  sudoRefusal,
} from '../../../../src/worker/srs/privileged-command';
import { INITD_SCRIPT, scriptArgv } from '../../../../src/worker/srs/remote-scripts';
import { serviceCommand } from '../../../../src/worker/srs/service-command';

const none = hostSchema.parse({ name: 'edge-1', address: '10.0.0.1', srsRoot: '/usr/local/srs' });
const sudo = hostSchema.parse({ name: 'edge-2', address: '10.0.0.2', srsRoot: '/usr/local/srs', become: 'sudo' });
const sudoSystemd = hostSchema.parse({ name: 'edge-3', address: '10.0.0.3', become: 'sudo', serviceManager: 'systemd' });
const noneSystemd = hostSchema.parse({ name: 'edge-4', address: '10.0.0.4', serviceManager: 'systemd' });

function ctx(host: typeof none): HostContext {
  return {
    hostConfig: host,
    target: { name: host.name, address: host.address, port: 22, user: 'srsops' },
    ssh: {} as HostPort,
    settings: workerSchema.parse({}),
    commandTimeoutMs: 5000,
    logger: createLogger('test'),
    sleep: () => Promise.resolve(),
  };
}

function exec(code: number | null, stdout: string, stderr = ''): ExecResult {
  return { code, stdout, stderr, durationMs: 1, timedOut: false, connectionLost: false };
}

describe('command routing: become none keeps the argv as it was; become sudo goes through the helper', () => {
  it('become none: the init.d script and systemctl exactly as before', () => {
    expect(serviceCommand(ctx(none), 'restart', 1000)).toEqual({
      argv: scriptArgv(INITD_SCRIPT, 'srs-initd', ['/usr/local/srs', 'restart']),
      timeoutMs: 1000,
    });
    expect(serviceCommand(ctx(noneSystemd), 'stop', 1000).argv).toEqual(['systemctl', 'stop', 'srs']);
    expect(serviceCommand(ctx(noneSystemd), 'grace', 1000).argv).toEqual(
      scriptArgv(INITD_SCRIPT, 'srs-initd', ['/usr/local/srs', 'grace']),
    );
    expect(installCommandArgv(none, ['/usr/local/bin/srs-install', '6.0.184'])).toEqual(['/usr/local/bin/srs-install', '6.0.184']);
    expect(privilegedArgv(none, ['sh', '-c', 'x'], 'signal', ['a'])).toEqual(['sh', '-c', 'x']);
  });

  it('become sudo: sudo -n HELPER with a fixed subcommand, never a shell', () => {
    expect(serviceCommand(ctx(sudo), 'grace', 1000).argv).toEqual([
      'sudo',
      '-n',
      '/usr/local/sbin/srs-chatops-helper',
      'service',
      '/usr/local/srs',
      'grace',
    ]);
    expect(serviceCommand(ctx(sudoSystemd), 'start', 1000).argv).toEqual([
      'sudo',
      '-n',
      '/usr/local/sbin/srs-chatops-helper',
      'systemctl',
      'start',
    ]);
    expect(serviceCommand(ctx(sudoSystemd), 'rotate', 1000).argv).toEqual([
      'sudo',
      '-n',
      '/usr/local/sbin/srs-chatops-helper',
      'service',
      '/usr/local/srs',
      'rotate',
    ]);
    expect(helperArgv(sudo, 'grace-env', ['/usr/local/srs', '42'])).toEqual([
      'sudo',
      '-n',
      '/usr/local/sbin/srs-chatops-helper',
      'grace-env',
      '/usr/local/srs',
      '42',
    ]);
    expect(installCommandArgv(sudo, ['/usr/local/bin/srs-install', '6.0.184'])).toEqual([
      'sudo',
      '-n',
      '--',
      '/usr/local/bin/srs-install',
      '6.0.184',
    ]);
  });

  it('uses the configured helper path', () => {
    const custom = hostSchema.parse({ name: 'e', address: 'e', become: 'sudo', system: { helper: '/opt/bin/helper' } });
    expect(helperArgv(custom, 'check', ['/usr/local/srs'])[2]).toBe('/opt/bin/helper');
  });
});

describe('a refused sudo is a clear failure naming the host and the fix', () => {
  it.each([
    ['no rule (password asked)', 'sudo: a password is required\n'],
    [
      "the rule doesn't allow it",
      "Sorry, user srsops is not allowed to execute '/usr/local/sbin/srs-chatops-helper service /x start' as root on edge-2.\n",
    ],
    ['sudo missing', 'sh: 1: sudo: not found\n'],
    ['helper missing', 'sudo: /usr/local/sbin/srs-chatops-helper: command not found\n'],
  ])('%s', (_what, stderr) => {
    const said = sudoRefusal(sudo, exec(1, '', stderr));
    expect(said).toMatch(
      /^sudo refused on edge-2: .*\(helper \/usr\/local\/sbin\/srs-chatops-helper\); run `srs-chatops doctor` on the bot host for the exact sudoers snippet$/,
    );
    expect(() => assertPrivilegeGranted(sudo, exec(1, '', stderr))).toThrow(ChatopsError);
  });

  it("the helper's setup refusals are failures; its answers about SRS (gone, not_srs) are not", () => {
    const insecure = exec(
      2,
      'refused=root_insecure\n',
      'srs-chatops-helper: /usr/local/srs/objs is missing, not root-owned, or writable by others\n',
    );
    expect(sudoRefusal(sudo, insecure)).toMatch(
      /^the helper on edge-2 refused \(root_insecure\): srs-chatops-helper: \/usr\/local\/srs\/objs/,
    );
    try {
      assertPrivilegeGranted(sudo, insecure);
      throw new Error('not thrown');
    } catch (e) {
      expect(e).toMatchObject({ code: ErrorCode.Forbidden });
    }
    expect(sudoRefusal(sudo, exec(2, 'refused=gone\n'))).toBeUndefined();
    expect(sudoRefusal(sudo, exec(2, 'refused=not_srs\n'))).toBeUndefined();
  });

  it('never under become none, nor for a command that ran', () => {
    expect(sudoRefusal(none, exec(1, '', 'sudo: a password is required\n'))).toBeUndefined();
    expect(sudoRefusal(sudo, exec(0, 'SRS started(pid 3)', ''))).toBeUndefined();
    expect(sudoRefusal(sudo, exec(1, 'SRS started(pid 3), should not start it again.[FAILED]', ''))).toBeUndefined();
  });
});
