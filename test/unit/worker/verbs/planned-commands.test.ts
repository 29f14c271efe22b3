import { createLogger } from '../../../../src/adapters/logger';
import { hostSchema, workerSchema, type HostConfig } from '../../../../config/schema';
import type { HostSnapshot } from '../../../../src/core/verb-result';
import type { HostPort } from '../../../../src/ports/host-port';
import type { UpgradeJobOptions } from '../../../../src/ports/job-queue-port';
import type { HostContext } from '../../../../src/worker/srs/host-context';
import type { ObservedHost } from '../../../../src/worker/srs/snapshot';
import { plannedCommands, type SurveyAsk } from '../../../../src/worker/verbs/planned-commands';

const ROOT = '/usr/local/srs';
const HELPER = '/usr/local/sbin/srs-chatops-helper';

function ctxFor(over: Partial<HostConfig> = {}): HostContext {
  const hostConfig = hostSchema.parse({ name: 'edge-1', address: '10.0.0.1', srsRoot: ROOT, ...over });
  return {
    hostConfig,
    target: { name: 'edge-1', address: '10.0.0.1', port: 22, user: 'srs' },
    ssh: {} as HostPort,
    settings: workerSchema.parse({}),
    commandTimeoutMs: 30000,
    logger: createLogger('test', { LOG_LEVEL: 'silent' }),
    sleep: () => Promise.resolve(),
  };
}

const running = (version = '6.0.184'): ObservedHost => observed({ state: 'running', pid: 123, apiUp: true, version });
function observed(snapshot: HostSnapshot): ObservedHost {
  return { snapshot, probe: { state: snapshot.state, listening: [], errors: [], pidFile: './objs/srs.pid' } };
}
const plan = (ctx: HostContext, o: ObservedHost, ask: SurveyAsk) => plannedCommands(ctx, o, ask);

describe('planned commands: init.d host (become: none)', () => {
  const ctx = ctxFor();
  it('start on a running host sends nothing, and says why', () => {
    expect(plan(ctx, running(), { verb: 'start' })).toEqual(['(nothing: SRS already runs, pid 123)']);
  });

  it('start on a stopped host: the init.d start, by name', () => {
    expect(plan(ctx, observed({ state: 'stopped', apiUp: false }), { verb: 'start' })).toEqual([`sh -c <srs-initd> ${ROOT} start`]);
  });

  it('start behind a recycled pid sends nothing; behind a zombie it waits first', () => {
    expect(plan(ctx, observed({ state: 'foreign_pid', pid: 9, apiUp: false }), { verb: 'start' })[0]).toMatch(
      /^\(nothing: pid 9 .* not SRS/,
    );
    const z = plan(ctx, observed({ state: 'zombie', pid: 9, apiUp: false }), { verb: 'start' });
    expect(z[0]).toMatch(/^\(waits up to .* zombie pid 9/);
    expect(z[1]).toBe(`sh -c <srs-initd> ${ROOT} start`);
  });

  it('restart is a stop then a start; on a stopped host only the start', () => {
    expect(plan(ctx, running(), { verb: 'restart' })).toEqual([`sh -c <srs-initd> ${ROOT} stop`, `sh -c <srs-initd> ${ROOT} start`]);
    expect(plan(ctx, observed({ state: 'stale_pid', pid: 5, apiUp: false }), { verb: 'restart' })).toEqual([
      `sh -c <srs-initd> ${ROOT} start`,
    ]);
  });

  it('restart --graceful: SIGQUIT by the init.d grace, the deadline signals, then the start once the process has exited', () => {
    expect(plan(ctx, running(), { verb: 'restart', options: { graceful: true } })).toEqual([
      `sh -c <srs-initd> ${ROOT} grace`,
      `(only if the drain deadline is hit and the quit is forced) sh -c <srs-kill> ${ROOT} 123 INT 1935 8080`,
      `(only if it still lives after grace_final_wait) sh -c <srs-kill> ${ROOT} 123 KILL 1935 8080`,
      `(once pid 123 has exited) sh -c <srs-initd> ${ROOT} start`,
    ]);
  });

  it('a graceful quit of an SRS that does not drain waits for a confirmation', () => {
    expect(plan(ctx, running('5.0.210'), { verb: 'grace' })).toEqual([
      '(nothing until confirmed: SRS 5.0.210 does not drain, a quit drops every client)',
    ]);
    expect(plan(ctx, running('5.0.210'), { verb: 'grace', options: { confirmed: true } })[0]).toBe(`sh -c <srs-initd> ${ROOT} grace`);
  });

  it('reload tests the config first; stop, rotate and status', () => {
    expect(plan(ctx, running(), { verb: 'reload' })).toEqual([
      `sh -c <srs-config-test> ${ROOT} conf/srs.conf`,
      `(only if the config test passes) sh -c <srs-initd> ${ROOT} reload`,
    ]);
    expect(plan(ctx, observed({ state: 'stopped', apiUp: false }), { verb: 'reload' })[0]).toMatch(/^\(nothing: SRS is not running/);
    expect(plan(ctx, running(), { verb: 'stop' })).toEqual([`sh -c <srs-initd> ${ROOT} stop`]);
    expect(plan(ctx, observed({ state: 'stopped', apiUp: false }), { verb: 'stop' })[0]).toMatch(/^\(nothing: SRS is already stopped/);
    expect(plan(ctx, running(), { verb: 'rotate' })).toEqual([`sh -c <srs-initd> ${ROOT} rotate`]);
    expect(plan(ctx, running(), { verb: 'status' })).toEqual(['(nothing: status only reads the host)']);
  });

  it('an upgrade: the install with its version, the graceful restart, and the rollback only when the checks fail', () => {
    const upgrade: UpgradeJobOptions = {
      version: '6.0.185',
      from: '6.0.184',
      rollback: true,
      healthTimeoutMs: 1000,
      planHash: 'h',
      forceAtDeadline: false,
      install: ['/opt/install-srs', '{version}', '{root}'],
    };
    const out = plan(ctx, running(), { verb: 'upgrade', options: { upgrade } });
    expect(out[0]).toBe(`/opt/install-srs 6.0.185 ${ROOT}`);
    expect(out[1]).toBe(`sh -c <srs-initd> ${ROOT} grace`);
    expect(out).toContain(`(only if the new version fails its checks) /opt/install-srs 6.0.184 ${ROOT}`);
    expect(plan(ctx, running('6.0.185'), { verb: 'upgrade', options: { upgrade } })).toEqual([
      '(nothing: SRS runs 6.0.185, not 6.0.184 as planned)',
    ]);
    // A plan's survey (a dry run) does not know "from" yet: the version found is the one replaced.
    const surveyed = { ...upgrade, from: '' };
    expect(plan(ctx, running(), { verb: 'upgrade', options: { upgrade: surveyed } })[0]).toBe(`/opt/install-srs 6.0.185 ${ROOT}`);
    expect(plan(ctx, running(), { verb: 'upgrade', options: { upgrade: surveyed } })).toContain(
      `(only if the new version fails its checks) /opt/install-srs 6.0.184 ${ROOT}`,
    );
    expect(plan(ctx, running('6.0.185'), { verb: 'upgrade', options: { upgrade: surveyed } })).toEqual([
      '(nothing: SRS already runs 6.0.185; the plan leaves it out)',
    ]);
  });
});

describe('planned commands: systemd host', () => {
  const ctx = ctxFor({ serviceManager: 'systemd' });
  it('restart is one systemctl restart; stop and start go through systemctl', () => {
    expect(plan(ctx, running(), { verb: 'restart' })).toEqual(['systemctl restart srs']);
    expect(plan(ctx, running(), { verb: 'stop' })).toEqual(['systemctl stop srs']);
    expect(plan(ctx, observed({ state: 'stopped', apiUp: false }), { verb: 'restart' })).toEqual(['systemctl start srs']);
  });

  it('restart --graceful sends no start: systemd starts SRS again', () => {
    const out = plan(ctx, running(), { verb: 'restart', options: { graceful: true } });
    expect(out[0]).toBe(`sh -c <srs-initd> ${ROOT} grace`);
    expect(out.at(-1)).toMatch(/^\(sends no start: systemd starts SRS again/);
  });
});

describe('planned commands: become: sudo host', () => {
  const ctx = ctxFor({ serviceManager: 'systemd', become: 'sudo' });
  it('every privileged command goes through the helper', () => {
    expect(plan(ctx, running(), { verb: 'restart' })).toEqual([`sudo -n ${HELPER} systemctl restart`]);
    expect(plan(ctx, running(), { verb: 'reload' })).toEqual([
      `sudo -n ${HELPER} config-test ${ROOT} conf/srs.conf`,
      `(only if the config test passes) sudo -n ${HELPER} systemctl reload`,
    ]);
    const graceful = plan(ctx, running(), { verb: 'restart', options: { graceful: true } });
    expect(graceful.slice(0, 3)).toEqual([
      `sudo -n ${HELPER} service ${ROOT} grace`,
      `(only if the drain deadline is hit and the quit is forced) sudo -n ${HELPER} signal ${ROOT} 123 INT 1935 8080`,
      `(only if it still lives after grace_final_wait) sudo -n ${HELPER} signal ${ROOT} 123 KILL 1935 8080`,
    ]);
  });
});

describe('planned commands in a survey status job', () => {
  const HEAD = 'pid_file=./objs/srs.pid\nlog_file=./objs/srs.log\nlog_stat=7 100\nestablished=0\n';
  const RUNNING = `${HEAD}pid=123\nproc_state=S\nproc_ppid=1\nproc_cmdline=./objs/srs -c conf/srs.conf \nproc_cwd=${ROOT}\nprobe=done\n`;
  const sent: string[] = [];
  const host: HostPort = {
    exec: (_t, c) => {
      sent.push(c.argv[3] ?? c.argv[0] ?? '');
      return Promise.resolve({ code: 0, stdout: RUNNING, stderr: '', durationMs: 1, timedOut: false, connectionLost: false });
    },
    httpGet: () => Promise.resolve({ status: 0, body: '' }),
    close: () => Promise.resolve(),
  };

  it('a status job carrying a survey returns what the planned verb would send, and sends only the probe', async () => {
    const { runVerb } = await import('../../../../src/worker/verbs/run-verb');
    const ctx: HostContext = { ...ctxFor(), ssh: host, survey: { verb: 'start' }, transcript: [] };
    const result = await runVerb(ctx, 'status');
    expect(result.planned).toEqual(['(nothing: SRS already runs, pid 123)']);
    const restart = await runVerb({ ...ctx, survey: { verb: 'restart' } }, 'status');
    expect(restart.planned).toEqual([`sh -c <srs-initd> ${ROOT} stop`, `sh -c <srs-initd> ${ROOT} start`]);
    expect(new Set(sent)).toEqual(new Set(['srs-probe']));
    expect(ctx.transcript).toEqual([]);
    expect((await runVerb({ ...ctx, survey: undefined }, 'status')).planned).toBeUndefined();
  });
});
