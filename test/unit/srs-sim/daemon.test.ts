/**
 * Reload and quit in the simulator against real SRS 6.0.157 / 5.0.216 (observed on this machine): a changed RTMP
 * `listen` kills SRS on SIGHUP (assertion, backtrace, core, SIGABRT) whether or not the new port is free, while
 * `http_api` / `http_server` listen changes are ignored; failed reloads are WARN lines; 5.0 quits without draining
 * and without the 6.0 lines; fast quits log like the real ones.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { writeConfig } from '../../srs-sim/install';
import {
  api,
  gone,
  hostKit,
  initd,
  log,
  messages,
  portFree,
  readPid,
  readText,
  running,
  sleep,
  waitFor,
  waitLog,
  waitUp,
} from '../../srs-sim/host-kit';
import { connectClient } from '../../srs-sim/media-client';

jest.setTimeout(30000);

const kit = hostKit('srs-sim-reload-');
afterAll(() => kit.cleanup());

async function freeOtherPort(): Promise<number> {
  for (;;) {
    const p = 31000 + Math.floor(Math.random() * 1500);
    if (await portFree(p)) return p;
  }
}

describe('reload with a changed RTMP listen', () => {
  test.each([
    ['6.0.157', 'SRS/6.0.157(Hang)', 'free'],
    ['6.0.157', 'SRS/6.0.157(Hang)', 'taken'],
    ['5.0.216', 'SRS/5.0.216(Bee)', 'free'],
  ])('%s, new port %s: init.d says OK, SRS logs a backtrace, leaves a core and dies', async (version, signature, port) => {
    const h = await kit.newHost({ version });
    expect((await initd(h, 'start')).code).toBe(0);
    await waitUp(h);
    const pid = readPid(h);
    const newPort = await freeOtherPort();
    const holder = net.createServer();
    if (port === 'taken') await new Promise<void>((r) => holder.listen(newPort, '127.0.0.1', () => r()));
    try {
      writeConfig(h.root, { listen: newPort });
      expect(await initd(h, 'reload')).toMatchObject({ code: 0, out: `Reload SRS(pid ${pid})...[  OK  ]\nSRS reloaded[  OK  ]\n` });
      await waitFor(() => !running(pid), 5000, 'SRS to die');
      const m = messages(h);
      const bt = m.indexOf(`backtrace 17 frames of ./objs/srs ${signature}`);
      expect(bt).toBeGreaterThan(m.indexOf('starting reload config.'));
      const frames = m.slice(bt + 1);
      expect(frames).toHaveLength(17);
      expect(frames[0]).toMatch(/^#0 .*SrsCplxError::srs_assert\(bool\) at srs_kernel_error\.cpp:427$/);
      expect(frames[2]).toMatch(/^#2 .*SrsTcpListener::listen\(\) at srs_app_listener\.cpp:275$/);
      expect(frames[5]).toMatch(/^#5 .*SrsServer::on_reload_listen\(\) at srs_app_server\.cpp:\d+$/);
      expect(frames[16]).toMatch(/^#16 /);
      expect(log(h)).toMatch(/\]\[ERROR\]\[\d+\]\[\w+\]\[0\] backtrace 17 frames/);
      expect(m.some((x) => x.startsWith('reload config success') || x.startsWith('reload failed'))).toBe(false);
      const core = path.join(h.root, 'core');
      expect(fs.statSync(core).mode & 0o777).toBe(0o600);
      expect(readText(`${h.logFile}.sys`)).toContain(
        "srs: ./src/kernel/srs_kernel_error.cpp:446: static void SrsCplxError::srs_assert(bool): Assertion `expression' failed.\n",
      );
      await waitFor(() => gone(pid), 4000, 'reaping');
      expect(await initd(h, 'status')).toMatchObject({ code: 1, out: `Error: Process ${pid} does not exists[FAILED]\n` });
    } finally {
      holder.close();
    }
  });
});

describe('reload that SRS applies or refuses', () => {
  test('http_api / http_server listen changes are ignored (old ports keep answering); grace waits apply', async () => {
    const h = await kit.newHost({ rawApi: true });
    expect((await initd(h, 'start')).code).toBe(0);
    await waitUp(h);
    const [apiPort, httpPort] = [await freeOtherPort(), await freeOtherPort()];
    writeConfig(h.root, { http_api: apiPort, http_server: httpPort, grace_start_wait: 100, raw_api: true });
    expect((await initd(h, 'reload')).code).toBe(0);
    await waitLog(h, 'reload config success, state=90.', 3000);
    const m = messages(h);
    expect(m.slice(m.indexOf('starting reload config.'))).toEqual([
      'starting reload config.',
      'config parse complete',
      'srs checking config...',
      'you can check log by: tail -n 30 -f ./objs/srs.log',
      'please check SRS by: ./etc/init.d/srs status',
      'reload rtc server success, nothing changed.',
      'vhost __defaultVhost__ maybe modified, reload its detail.',
      'ingest nothing changed for vhost=__defaultVhost__',
      'reload config success, state=90.',
    ]);
    expect((await api(h, '/api/v1/versions')).json.code).toBe(0);
    expect(await portFree(apiPort)).toBe(true);
    expect(await portFree(httpPort)).toBe(true);
    const pid = readPid(h);
    expect((await initd(h, 'grace')).code).toBe(0);
    await waitLog(h, 'start wait for 100ms', 3000);
    await waitFor(() => !running(pid), 5000, 'exit');
  });

  test('a directive error is refused at the checking stage (state=20), as a WARN with the call chain', async () => {
    const h = await kit.newHost({ rawApi: true });
    expect((await initd(h, 'start')).code).toBe(0);
    await waitUp(h);
    fs.appendFileSync(h.config, 'no_such_directive on;\n');
    expect((await initd(h, 'reload')).code).toBe(0);
    await waitLog(h, 'reload failed', 3000);
    expect(log(h)).toMatch(
      /\]\[WARN\]\[\d+\]\[\w+\]\[\d+\] reload failed, state=20, err code=1023\(ConfigInvalid\)\(Configuration is invalid\) : check config : check normal : illegal directive no_such_directive\nthread \[\d+\]\[\w+\]: reload\(\)/,
    );
    expect((await api(h, '/api/v1/raw?rpc=reload-fetch')).json.data).toMatchObject({
      err: 1023,
      state: 20,
      msg: 'code=1023(ConfigInvalid) : check config : check normal : illegal directive no_such_directive',
    });
    expect(running(readPid(h))).toBe(true);
  });
});

describe('quit', () => {
  test('5.0: SIGQUIT keeps listeners and clients until the exit 1-2 s later, then every connection drops at once', async () => {
    const h = await kit.newHost({ version: '5.0.216' });
    expect((await initd(h, 'start')).code).toBe(0);
    await waitUp(h);
    const pid = readPid(h);
    const pub = await connectClient({ port: h.ports.rtmp, kind: 'publish', stream: 'live/a' });
    const player = await connectClient({ port: h.ports.rtmp, kind: 'play', stream: 'live/a' });
    const closedAt: number[] = [];
    for (const c of [pub, player]) void c.closed.then(() => closedAt.push(Date.now()));
    const t0 = Date.now();
    expect((await initd(h, 'grace')).code).toBe(0);
    await waitLog(h, 'cleanup for quit signal fast=0, grace=1', 2000);
    const late = await connectClient({ port: h.ports.rtmp, kind: 'play', stream: 'live/a' }); // still accepting
    void late.closed.then(() => closedAt.push(Date.now()));
    await waitFor(() => closedAt.length === 3, 4000, 'clients dropped');
    const exitAt = Math.min(...closedAt);
    expect(exitAt - t0).toBeGreaterThan(900);
    expect(Math.max(...closedAt) - exitAt).toBeLessThan(200);
    await waitFor(() => !running(pid), 1000, 'exit');
    const m = messages(h);
    expect(m.slice(m.indexOf('sig=3, user start gracefully quit'))).toEqual([
      'sig=3, user start gracefully quit',
      'cleanup for quit signal fast=0, grace=1',
      'quit for thread #2(hybrid) finished',
    ]);
  });

  test.each([
    [
      '6.0.184',
      [
        'sig=15, user terminate program, fast quit',
        'cleanup for quit signal fast=1, grace=0',
        'main cycle terminated, system quit normally.',
        'srs disposed',
        'srs terminated',
      ],
    ],
    [
      '5.0.216',
      ['sig=15, user terminate program, fast quit', 'cleanup for quit signal fast=1, grace=0', 'quit for thread #2(hybrid) finished'],
    ],
  ])('%s: SIGTERM logs the real fast-quit lines', async (version, lines) => {
    const h = await kit.newHost({ version });
    expect((await initd(h, 'start')).code).toBe(0);
    await waitUp(h);
    const pid = readPid(h);
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !running(pid), 4000, 'exit');
    await sleep(50);
    const m = messages(h);
    expect(m.slice(m.indexOf('sig=15, user terminate program, fast quit'))).toEqual(lines);
    expect(log(h)).toMatch(version.startsWith('6') ? /\]\[WARN\]\[\d+\]\[\w+\]\[11\] main cycle terminated/ : /quit for thread/);
  });
});
