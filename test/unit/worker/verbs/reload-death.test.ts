import { createLogger } from '../../../../src/adapters/logger';
import { parseConfig } from '../../../../config/load-config';
import type { ExecResult, HostHttpResponse, HostPort, RemoteCommand } from '../../../../src/ports/host-port';
import type { HostContext } from '../../../../src/worker/srs/host-context';
import { parseProbe } from '../../../../src/worker/srs/parse-probe';
import { crashFromLog, describeReloadDeath, parseCrashClues } from '../../../../src/worker/verbs/reload-death';
import { reload } from '../../../../src/worker/verbs/reload';

const ROOT = '/usr/local/srs';
const at = (ms: number, level: string, text: string) =>
  `[2026-12-07 01:52:39.${String(ms).padStart(3, '0')}][${level}][17092][k1616kvk]${level === 'ERROR' ? '[0]' : ''} ${text}`;

/** What real SRS 6.0.157 logged when a reload's new `listen` port was held by another process (then it aborted). */
const DEATH_LOG = [
  at(630, 'INFO', 'reload config, signo=1'),
  at(515, 'INFO', 'starting reload config.'),
  at(515, 'INFO', 'config parse complete'),
  at(517, 'ERROR', 'backtrace 17 frames of ./objs/srs SRS/6.0.157(Hang)'),
  at(529, 'ERROR', '#0 0x1a2f36 1 0x00000000001a2f35: SrsCplxError::srs_assert(bool) at srs_kernel_error.cpp:427'),
  at(539, 'ERROR', '#1 0x26155e 1 0x000000000026155d: srs_close_stfd(void*&) at srs_protocol_st.cpp:92 (discriminator 1)'),
  at(555, 'ERROR', '#2 0x36cd2f 1 0x000000000036cd2e: SrsTcpListener::listen() at srs_app_listener.cpp:275'),
  at(571, 'ERROR', '#3 0x36d5ae 1 0x000000000036d5ad: SrsMultipleTcpListeners::listen() at srs_app_listener.cpp:367'),
  at(582, 'ERROR', '#4 0x272763 1 0x0000000000272762: SrsServer::listen() at srs_app_server.cpp:579 (discriminator 8)'),
  at(594, 'ERROR', '#5 0x27778b 1 0x000000000027778a: SrsServer::on_reload_listen() at srs_app_server.cpp:1327'),
  at(610, 'ERROR', '#6 0x2c9aba 1 0x00000000002c9ab9: SrsConfig::do_reload_listen() at srs_app_config.cpp:2098'),
  at(743, 'ERROR', '#16 (nil) 0 [0x7f3be35b8e58]'),
];
const CLUES =
  'conf_port=1936\nconf_port=1985\nconf_port=8080\nlisten=LISTEN 0      128    0.0.0.0:1936 0.0.0.0:* users:(("python3",pid=9942,fd=3))\ncore=./core\nclues=done\n';

describe('a reload that kills SRS', () => {
  it('reads the failure from the backtrace: the error line, the frame that failed, the reload step', () => {
    expect(crashFromLog(DEATH_LOG)).toEqual({
      error: 'backtrace 17 frames of ./objs/srs SRS/6.0.157(Hang)',
      failedIn: 'SrsTcpListener::listen() (srs_app_listener.cpp:275)',
      during: 'SrsServer::on_reload_listen()',
    });
  });

  it('names the port holder and the core file', () => {
    expect(parseCrashClues(CLUES)).toEqual({ holders: [{ port: 1936, pid: 9942, command: 'python3' }], cores: ['core'] });
    expect(describeReloadDeath('edge-1', ROOT, 17092, crashFromLog(DEATH_LOG), parseCrashClues(CLUES))).toBe(
      'reload FAILED: SRS died on the reload (pid 17092 exited); last log error: "backtrace 17 frames of ./objs/srs SRS/6.0.157(Hang)" in SrsTcpListener::listen() (srs_app_listener.cpp:275) during SrsServer::on_reload_listen(); ' +
        'port 1936 is held by python3 (pid 9942), and the new config listens there; core file: /usr/local/srs/core. SRS cannot change its `listen` port on a reload; a new port needs a start. To get it back: free the port (or change `listen` back), then `/srs start edge-1`.',
    );
    expect(describeReloadDeath('edge-1', ROOT, 17092, {}, { holders: [], cores: [] })).toBe(
      'reload FAILED: SRS died on the reload (pid 17092 exited); its log has no [ERROR] line since the reload; a core file may be in /usr/local/srs. To get it back: fix the config, then `/srs start edge-1`.',
    );
  });

  it('is reported as failed (not unknown) by the reload verb', async () => {
    const host = new DyingOnReload();
    const config = parseConfig(
      { ssh: { user: 'u', privateKeyPath: '/k', knownHostsPath: '/kh' }, hosts: [{ name: 'edge-1', address: '127.0.0.1', srsRoot: ROOT }] },
      't',
    );
    const h = config.hosts[0];
    if (!h) throw new Error('no host');
    const ctx: HostContext = {
      hostConfig: h,
      target: { name: 'edge-1', address: '127.0.0.1', port: 22, user: 'u' },
      ssh: host,
      settings: config.worker,
      commandTimeoutMs: 1000,
      logger: createLogger('test'),
      sleep: () => Promise.resolve(),
    };
    const probe = parseProbe(host.probe(), ROOT);
    const step = await reload(ctx, { snapshot: { state: 'running', pid: 17092, apiUp: true, version: '6.0.157' }, probe });
    expect(step.outcome).toBe('failed');
    expect(step.errorCode).toBe('srs_died');
    expect(step.summary).toMatch(
      /^reload FAILED: SRS died on the reload \(pid 17092 exited\); last log error: .* in SrsTcpListener::listen\(\).*port 1936 is held by python3 \(pid 9942\).*`\/srs start edge-1`\.$/,
    );
    expect(step.after.state).toBe('stale_pid');
  });
});

/** A host whose SRS passes `srs -t`, says OK to the reload, logs a backtrace and dies (pid file left). */
class DyingOnReload implements HostPort {
  private reloaded = false;
  private logReads = 0;
  probe(): string {
    const alive =
      this.reloaded && this.logReads >= 2
        ? ''
        : `proc_state=S\nproc_cmdline=./objs/srs -c conf/srs.conf\nproc_cwd=${ROOT}\nlisten=0.0.0.0:1935\n`;
    return `pid_file=./objs/srs.pid\nlog_file=./objs/srs.log\npid=17092\n${alive}log_stat=7 100\nestablished=0\nprobe=done\n`;
  }
  exec(_t: unknown, c: RemoteCommand): Promise<ExecResult> {
    const ok = (stdout: string, code = 0): Promise<ExecResult> =>
      Promise.resolve({ code, stdout, stderr: '', durationMs: 1, timedOut: false, connectionLost: false });
    switch (c.argv[3]) {
      case 'srs-config-test':
        return ok('[2026-12-07 01:52:38.614][INFO][17292][di6m8ld2] config file conf/srs.conf test is successful\n');
      case 'srs-initd':
        this.reloaded = true;
        return ok('Reload SRS(pid 17092)...[  OK  ]\nSRS reloaded[  OK  ]\n');
      case 'srs-log': {
        this.logReads += 1;
        const body = this.logReads === 1 ? DEATH_LOG.slice(0, 5) : this.logReads === 2 ? DEATH_LOG.slice(5) : [];
        return ok(`log_stat=7 ${100 + this.logReads}\n---\n${body.join('\n')}\n`);
      }
      case 'srs-probe':
        return ok(this.probe());
      case 'srs-crash-clues':
        return ok(CLUES);
      default:
        return ok('');
    }
  }
  httpGet(): Promise<HostHttpResponse> {
    return Promise.reject(new Error('API down'));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
