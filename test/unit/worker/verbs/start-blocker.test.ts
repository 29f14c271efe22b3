import { createLogger } from '../../../../src/adapters/logger';
import { hostSchema, workerSchema } from '../../../../config/schema';
import type { ExecResult, HostHttpResponse, HostPort, HostTarget, RemoteCommand } from '../../../../src/ports/host-port';
import type { HostContext } from '../../../../src/worker/srs/host-context';
import { runVerb } from '../../../../src/worker/verbs/run-verb';

/**
 * The verbs that run init.d `start` (start, restart) and stop, against a scripted host whose probe answers what real
 * SRS hosts showed: a zombie in the pid file (init.d's `ps -p` counts it as running), a recycled pid, a port another
 * program took. The probe texts are what the probe script prints there (test/unit/worker/srs/remote-scripts.test.ts runs it).
 */
const ROOT = '/usr/local/srs';
const HEAD = 'pid_file=./objs/srs.pid\nlog_file=./objs/srs.log\nlog_stat=7 100\nestablished=0\n';
const srsListeners = (pid: number) => [1935, 1985, 8080].map((p) => `listen=0.0.0.0:${p} users:(("srs",pid=${pid},fd=8))`).join('\n');

const probe = {
  stopped: (extra = '') => `${HEAD}${extra}probe=done\n`,
  stale: (pid: number, extra = '') => `${HEAD}pid=${pid}\n${extra}probe=done\n`,
  running: (pid: number) =>
    `${HEAD}pid=${pid}\nproc_state=S\nproc_ppid=1\nproc_cmdline=./objs/srs -c conf/srs.conf \nproc_cwd=${ROOT}\n${srsListeners(pid)}\nprobe=done\n`,
  zombie: (pid: number, parent: number) =>
    `${HEAD}pid=${pid}\nproc_state=Z\nproc_ppid=${parent}\nproc_cmdline=\nproc_cwd=\nparent_cmdline=/usr/sbin/keepalive-runner --no-reap \nprobe=done\n`,
  foreign: (pid: number) => `${HEAD}pid=${pid}\nproc_state=S\nproc_ppid=1\nproc_cmdline=sleep 1000 \nproc_cwd=/root\nprobe=done\n`,
};

/** A host whose probe answers come from `states` (the last one repeats); init.d calls are recorded and act on it. */
class ScriptedHost implements HostPort {
  initd: string[] = [];
  log = '';
  api: { pid: number; service: string } | undefined;
  constructor(
    public states: string[],
    private readonly onInitd: (action: string, host: ScriptedHost) => string = () => '',
  ) {}
  exec(_t: HostTarget, c: RemoteCommand): Promise<ExecResult> {
    const name = c.argv[3];
    let stdout = '';
    if (name === 'srs-probe') stdout = this.states.length > 1 ? (this.states.shift() ?? '') : (this.states[0] ?? '');
    else if (name === 'srs-log')
      stdout = `log_stat=7 ${100 + this.log.length}\n---\n${this.log.slice(Math.max(0, Number(c.argv[7]) - 100))}`;
    else if (name === 'srs-initd') {
      const action = c.argv[5] ?? '';
      this.initd.push(action);
      stdout = this.onInitd(action, this);
    }
    return Promise.resolve({ code: 0, stdout, stderr: '', durationMs: 1, timedOut: false, connectionLost: false });
  }
  httpGet(_t: HostTarget, _hp: string, path: string): Promise<HostHttpResponse> {
    const a = this.api;
    if (!a) return Promise.resolve({ status: 0, body: '' });
    const env = { code: 0, server: 'vid-1', service: a.service, pid: String(a.pid) };
    if (path.startsWith('/api/v1/summaries')) {
      return Promise.resolve({
        status: 200,
        body: JSON.stringify({ ...env, data: { self: { version: '6.0.157', pid: a.pid, srs_uptime: 3 } } }),
      });
    }
    const list = path.startsWith('/api/v1/clients') ? 'clients' : 'streams';
    return Promise.resolve({ status: 200, body: JSON.stringify({ ...env, [list]: [] }) });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function ctxFor(hosts: HostPort, worker: Record<string, number> = {}): HostContext {
  const host = hostSchema.parse({ name: 'edge-1', address: '127.0.0.1', srsRoot: ROOT });
  return {
    hostConfig: host,
    target: { name: host.name, address: host.address, port: 22, user: 'srsops' },
    ssh: hosts,
    settings: workerSchema.parse({ startSettleMs: 0, confirmTimeoutMs: 300, zombieReapWaitMs: 900, ...worker }),
    commandTimeoutMs: 5000,
    logger: createLogger('test'),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

/** init.d start that works: a new SRS (pid 300) runs and serves. */
const startsSrs = (action: string, host: ScriptedHost): string => {
  if (action !== 'start') return '';
  host.states = [probe.running(300)];
  host.api = { pid: 300, service: 'new300' };
  return 'Starting SRS...[  OK  ]\nSRS started(pid 300)[  OK  ]\n';
};

describe('the start every path uses: zombie and recycled pid in the pid file', () => {
  it('a zombie that its parent reaps a moment later is waited for, then SRS is started', async () => {
    const host = new ScriptedHost([probe.zombie(200, 1), probe.zombie(200, 1), probe.zombie(200, 1), probe.stale(200)], startsSrs);
    const r = await runVerb(ctxFor(host), 'start');
    expect(host.initd).toEqual(['start']);
    expect(r.outcome).toBe('ok');
    expect(r.after).toMatchObject({ state: 'running', pid: 300 });
    expect(r.evidence.join('\n')).toMatch(
      /pid 200 was a zombie \(SRS's init\.d counts it as running\): reaped within \d+ ms, then started/,
    );
  });

  it('a zombie nobody reaps: init.d start is never run; the summary names the pid, its parent and the fix', async () => {
    const host = new ScriptedHost([probe.zombie(200, 4321)], startsSrs);
    const r = await runVerb(ctxFor(host), 'start');
    expect(host.initd).toEqual([]);
    expect(r.outcome).toBe('failed');
    expect(r.errorCode).toBe('zombie_pid');
    expect(r.summary).toBe(
      'start FAILED: nothing was started: pid 200 (in /usr/local/srs/objs/srs.pid) exited but is still a zombie after 0.9 s: its parent, pid 4321 (`/usr/sbin/keepalive-runner --no-reap`), has not reaped it, and SRS\'s init.d start counts a zombie as running ("should not start it again"). To fix: have pid 4321 reap it (or run SRS under an init that reaps exited daemons), or remove the stale pid file /usr/local/srs/objs/srs.pid; then `/srs start edge-1`',
    );
    expect(r.summary).not.toMatch(/is not running/);
    expect(r.after.state).toBe('zombie');
  });

  it('a recycled pid naming a live program: nothing is run; what it is, and how to fix it', async () => {
    const host = new ScriptedHost([probe.foreign(777)], startsSrs);
    const r = await runVerb(ctxFor(host), 'start');
    expect(host.initd).toEqual([]);
    expect(r.outcome).toBe('failed');
    expect(r.errorCode).toBe('foreign_pid');
    expect(r.summary).toBe(
      "start FAILED: nothing was started: pid 777 in /usr/local/srs/objs/srs.pid is `sleep 1000`, not SRS; SRS's init.d counts it as running and refuses to start. The pid file is stale (SRS never removes it after a crash or a graceful quit): remove /usr/local/srs/objs/srs.pid, then `/srs start edge-1`",
    );
    // status says the same, and stop does not run init.d (it would SIGTERM that program).
    expect((await runVerb(ctxFor(host), 'status')).summary).toBe(
      "stopped (stale pid file: pid 777 is now `sleep 1000`, not SRS; SRS's init.d counts it as running and refuses to start)",
    );
    const stop = await runVerb(ctxFor(host), 'stop');
    expect(stop.outcome).toBe('noop');
    expect(stop.summary).toMatch(
      /init\.d stop was not run \(it would send SIGTERM to pid 777, which is not SRS\)\. The pid file is stale .*remove \/usr\/local\/srs\/objs\/srs\.pid/,
    );
    expect(host.initd).toEqual([]);
  });

  it("init.d's own refusal (the zombie appeared after the bot looked) is recognised and explained", async () => {
    const host = new ScriptedHost([probe.stale(200)], (action, h) => {
      h.states = [probe.zombie(201, 1)];
      return action === 'start' ? 'SRS started(pid 201), should not start it again.[FAILED]\n' : '';
    });
    const r = await runVerb(ctxFor(host), 'start');
    expect(host.initd).toEqual(['start']);
    expect(r.outcome).toBe('failed');
    expect(r.errorCode).toBe('zombie_pid');
    expect(r.summary).toMatch(
      /^start FAILED: SRS's init\.d refused to start \("SRS started\(pid 201\), should not start it again\."\): it counted pid 201 as running; pid 201 \(in \/usr\/local\/srs\/objs\/srs\.pid\) exited but is still a zombie/,
    );
    expect(r.summary).toMatch(/`\/srs start edge-1`$/);
  });

  it("init.d's refusal for a process reaped since: nothing started, and the bot says to start again", async () => {
    const host = new ScriptedHost([probe.stale(200)], (action, h) => {
      h.states = [probe.stale(201)];
      return action === 'start' ? 'SRS started(pid 201), should not start it again.[FAILED]\n' : '';
    });
    const r = await runVerb(ctxFor(host), 'start');
    expect(r.outcome).toBe('failed');
    expect(r.errorCode).toBeUndefined();
    expect(r.summary).toBe(
      'start FAILED: SRS\'s init.d refused to start ("SRS started(pid 201), should not start it again."): it counted pid 201 as running; that process is gone now (stopped (stale pid file: process 201 is gone)). Nothing was started: run `/srs start edge-1` again',
    );
  });

  it('restart: the stop is confirmed, then the start waits out the old process as a zombie and names it when it stays', async () => {
    const host = new ScriptedHost([probe.running(100)], (action, h) => {
      if (action === 'stop') h.states = [probe.zombie(100, 1)];
      return '';
    });
    host.api = { pid: 100, service: 'old100' };
    const r = await runVerb(ctxFor(host), 'restart');
    expect(host.initd).toEqual(['stop']);
    expect(r.outcome).toBe('failed');
    expect(r.errorCode).toBe('zombie_pid');
    expect(r.summary).toMatch(
      /^restart FAILED \(pid 100 stopped, SRS did not start again\): nothing was started: pid 100 \(in \/usr\/local\/srs\/objs\/srs\.pid\) exited but is still a zombie after/,
    );
  });
});

describe('stop and start when another program holds a port', () => {
  it('stop: SRS is gone and another program took 1935: the stop worked, and the holder is named', async () => {
    const host = new ScriptedHost([probe.running(100)], (action, h) => {
      if (action === 'stop')
        h.states = [
          probe.stopped('listen=0.0.0.0:1935 users:(("nc",pid=1234,fd=3))\nowner_cmdline=1234 nc -l 1935 \nowner_cwd=1234 /root\n'),
        ];
      h.api = undefined;
      return 'Stopping SRS(pid 100)...[  OK  ]\nSRS stopped by SIGTERM[  OK  ]\n';
    });
    host.api = { pid: 100, service: 'old100' };
    const r = await runVerb(ctxFor(host), 'stop');
    expect(r.outcome).toBe('ok');
    expect(r.summary).toBe('stopped (pid 100 gone); port 1935 is now held by nc (pid 1234): SRS cannot start until it is freed');
    expect(r.after.portHolders).toEqual([{ port: 1935, pid: 1234, command: 'nc' }]);
  });

  it('stop: an SRS of this root still listening (its pid file gone) is not a confirmed stop', async () => {
    const host = new ScriptedHost([probe.running(100)], (action, h) => {
      if (action === 'stop')
        h.states = [probe.stopped(`${srsListeners(100)}\nowner_cmdline=100 ./objs/srs -c conf/srs.conf \nowner_cwd=100 ${ROOT}\n`)];
      return '';
    });
    const r = await runVerb({ ...ctxFor(host), settings: workerSchema.parse({ stopTimeoutMs: 1000 }) }, 'stop');
    expect(r.outcome).toBe('failed');
    expect(r.evidence.join('\n')).toMatch(/an SRS of this root still listens on 1935, 1985, 8080 \(pid 100\)/);
  });

  it('start with 1935 taken: init.d says OK, SRS dies on the bind, and the failure names the holder', async () => {
    const held = 'listen=0.0.0.0:1935 users:(("python3",pid=9942,fd=3))\nowner_cmdline=9942 python3 -c ... \nowner_cwd=9942 /root\n';
    const host = new ScriptedHost([probe.stopped(held)], (action, h) => {
      h.states = [probe.stale(300, held)];
      h.log =
        '[2026-12-07 01:59:18.105][ERROR][300][0b61154k][98] Failed, code=1002(SocketBind)(Bind socket failed) : listen at 0.0.0.0:1935 : fd=8 : bind\n';
      return action === 'start' ? 'Starting SRS...[  OK  ]\nSRS started(pid 300)[  OK  ]\n' : '';
    });
    const r = await runVerb(ctxFor(host), 'start');
    expect(r.outcome).toBe('failed');
    expect(r.summary).toBe(
      'start FAILED: SRS exited right after starting; port 1935 is held by python3 (pid 9942): SRS cannot start until it is freed; now stopped (stale pid file: process 300 is gone)',
    );
    expect(r.evidence.join('\n')).toMatch(/SocketBind/);
  });
});
