// @ts-check
'use strict';
/**
 * Texts of the fatal errors real SRS logs, as observed on 6.0.157 and 5.0.216 (log output only):
 * - a listener that cannot bind at start (`Failed, code=1002(SocketBind)...` plus its call chain);
 * - the assertion a reload of `listen` runs into (SrsTcpListener::listen() closes the listening fd its own
 *   coroutine still waits on): `backtrace 17 frames of ./objs/srs SRS/6.0.157(Hang)`, one ERROR line per frame,
 *   then glibc's assertion message on stderr and SIGABRT (a core file when the core limit allows).
 */
const { stackLines } = require('./logger');

/** @typedef {'rtmp' | 'api' | 'http'} ListenerKind */

/** fd SRS gives each listener (observed; 5.0 runs a second thread, its fds start one later). */
const FDS = { 6: { rtmp: 8, api: 9, http: 11 }, 5: { rtmp: 9, api: 11, http: 12 } };
const LABEL = { rtmp: 'rtmp listen : listen', api: 'http api listen', http: 'http server listen' };
const SERVER_LINE = { 6: { rtmp: 580, api: 590, http: 611 }, 5: { rtmp: 577, api: 587, http: 608 } };

/** @param {number} major */
const v = (major) => (major <= 5 ? 5 : 6);

/** @param {number} major @param {ListenerKind} kind @param {number} index  nth listener of that kind */
function listenerFd(major, kind, index = 0) {
  return FDS[v(major)][kind] + index;
}

/** @param {string} code  e.g. EADDRINUSE */
function errnoOf(code) {
  if (code === 'EACCES') return { errno: 13, text: 'Permission denied' };
  if (code === 'EADDRNOTAVAIL') return { errno: 99, text: 'Cannot assign requested address' };
  return { errno: 98, text: 'Address already in use' };
}

/**
 * The ERROR message (with call chain) of a listener that failed to bind at start, and how long after the failed
 * bind SRS logs it and exits: 6.0 at once; 5.0 at the primordial thread's next check, ~1 s later.
 * @param {{ major: number, kind: ListenerKind, ip: string, port: number, fd: number, code: string, cid: string, masterCid: string }} o
 * @returns {{ message: string, errno: number, delayMs: number }}
 */
function bindFailure(o) {
  const ver = v(o.major);
  const e = errnoOf(o.code);
  const where = `listen : ${LABEL[o.kind]} : listen at ${o.ip}:${o.port} : fd=${o.fd} : bind`;
  const tail = [
    `listen() [./src/app/srs_app_server.cpp:${SERVER_LINE[ver][o.kind]}]`,
    ...(o.kind === 'rtmp' ? ['listen() [./src/app/srs_app_listener.cpp:368]'] : []),
    'listen() [./src/app/srs_app_listener.cpp:277]',
  ];
  if (ver === 6) {
    const frames = [
      'do_main() [./src/main/srs_main_server.cpp:248]',
      'run_directly_or_daemon() [./src/main/srs_main_server.cpp:457]',
      'run_hybrid_server() [./src/main/srs_main_server.cpp:522]',
      'run() [./src/app/srs_app_hybrid.cpp:225]',
      'run() [./src/app/srs_app_server.cpp:1392]',
      ...tail,
      'srs_tcp_listen() [./src/protocol/srs_protocol_st.cpp:291]',
      'do_srs_tcp_listen() [./src/protocol/srs_protocol_st.cpp:248]',
    ];
    return {
      message: `Failed, code=1002(SocketBind)(Bind socket failed) : run : daemon run thread pool : hybrid run : run server : ${where}\n${stackLines(o.cid, frames, e.errno, e.text)}`,
      errno: e.errno,
      delayMs: 0,
    };
  }
  const master = [
    'do_main() [./src/main/srs_main_server.cpp:245]',
    'run_directly_or_daemon() [./src/main/srs_main_server.cpp:454]',
    'run() [./src/app/srs_app_threads.cpp:716]',
  ];
  const hybrid = [
    'run_hybrid_server() [./src/main/srs_main_server.cpp:519]',
    'run() [./src/app/srs_app_hybrid.cpp:223]',
    'run() [./src/app/srs_app_server.cpp:1347]',
    ...tail,
    'srs_tcp_listen() [./src/protocol/srs_protocol_st.cpp:290]',
    'do_srs_tcp_listen() [./src/protocol/srs_protocol_st.cpp:247]',
  ];
  return {
    message: `Failed, code=1002(SocketBind)(Bind socket failed) : run : daemon run thread pool : thread #2(hybrid) : hybrid run : run server : ${where}\n${stackLines(o.masterCid, master, 22)}\n${stackLines(o.cid, hybrid, e.errno, 'Invalid argument')}`,
    errno: 22,
    delayMs: 1000,
  };
}

/** Frames of the reload-listen assertion (after `#N `), per major version. */
const RELOAD_FRAMES = {
  6: [
    '0x1a2f36 1 0x00000000001a2f35: SrsCplxError::srs_assert(bool) at srs_kernel_error.cpp:427',
    '0x26155e 1 0x000000000026155d: srs_close_stfd(void*&) at srs_protocol_st.cpp:92 (discriminator 1)',
    '0x36cd2f 1 0x000000000036cd2e: SrsTcpListener::listen() at srs_app_listener.cpp:275',
    '0x36d5ae 1 0x000000000036d5ad: SrsMultipleTcpListeners::listen() at srs_app_listener.cpp:367',
    '0x272763 1 0x0000000000272762: SrsServer::listen() at srs_app_server.cpp:579 (discriminator 8)',
    '0x27778b 1 0x000000000027778a: SrsServer::on_reload_listen() at srs_app_server.cpp:1327',
    '0x2c9aba 1 0x00000000002c9ab9: SrsConfig::do_reload_listen() at srs_app_config.cpp:2098',
    '0x2c6244 1 0x00000000002c6243: SrsConfig::reload_conf(SrsConfig*) at srs_app_config.cpp:1656',
    '0x2c349a 1 0x00000000002c3499: SrsConfig::reload(SrsReloadState*) at srs_app_config.cpp:1413',
    '0x275d37 1 0x0000000000275d36: SrsServer::do_cycle() at srs_app_server.cpp:1031 (discriminator 3)',
    '0x275664 1 0x0000000000275663: SrsServer::cycle() at srs_app_server.cpp:900',
    '0x2b9443 1 0x00000000002b9442: SrsFastCoroutine::cycle() at srs_app_st.cpp:309',
    '0x2b94d0 1 0x00000000002b94cf: SrsFastCoroutine::pfn(void*) at srs_app_st.cpp:324',
    '0x39a4b4 1 0x000000000039a4b3: _st_thread_main at sched.c:380',
    '0x39adc9 1 0x000000000039adc8: st_thread_create at sched.c:666 (discriminator 1)',
    '0x399c9f 1 0x0000000000399c9e: _st_vp_schedule at sched.c:162',
    '(nil) 0 [0x7feb2d369e58]',
  ],
  5: [
    '0x189f46 1 0x0000000000189f45: SrsCplxError::srs_assert(bool) at srs_kernel_error.cpp:427',
    '0x23938a 1 0x0000000000239389: srs_close_stfd(void*&) at srs_protocol_st.cpp:91 (discriminator 1)',
    '0x33e525 1 0x000000000033e524: SrsTcpListener::listen() at srs_app_listener.cpp:275',
    '0x33ed9e 1 0x000000000033ed9d: SrsMultipleTcpListeners::listen() at srs_app_listener.cpp:367',
    '0x24a5a5 1 0x000000000024a5a4: SrsServer::listen() at srs_app_server.cpp:576 (discriminator 8)',
    '0x24f0d7 1 0x000000000024f0d6: SrsServer::on_reload_listen() at srs_app_server.cpp:1282',
    '0x29df2e 1 0x000000000029df2d: SrsConfig::do_reload_listen() at srs_app_config.cpp:2080',
    '0x29a6d5 1 0x000000000029a6d4: SrsConfig::reload_conf(SrsConfig*) at srs_app_config.cpp:1638',
    '0x297914 1 0x0000000000297913: SrsConfig::reload(SrsReloadState*) at srs_app_config.cpp:1393',
    '0x24dbc0 1 0x000000000024dbbf: SrsServer::do_cycle() at srs_app_server.cpp:1004 (discriminator 3)',
    '0x24d4f2 1 0x000000000024d4f1: SrsServer::cycle() at srs_app_server.cpp:873',
    '0x28e141 1 0x000000000028e140: SrsFastCoroutine::cycle() at srs_app_st.cpp:285',
    '0x28e1ce 1 0x000000000028e1cd: SrsFastCoroutine::pfn(void*) at srs_app_st.cpp:300',
    '0x36c1e7 1 0x000000000036c1e6: _st_thread_main at sched.c:380',
    '0x36cafc 1 0x000000000036cafb: st_thread_create at sched.c:666 (discriminator 1)',
    '0x36b9d2 1 0x000000000036b9d1: _st_vp_schedule at sched.c:162',
    '0x382ec0 0 ./objs/srs(_ZTS14SrsLazySweepGc+0) [0x5630c7534ec0]',
  ],
};

/**
 * Log lines of the reload-listen assertion: the header, then one line per frame.
 * @param {number} major @param {string} argv0  the binary as started (`./objs/srs`) @param {string} sig  `SRS/6.0.157(Hang)`
 */
function reloadBacktrace(major, argv0, sig) {
  const frames = RELOAD_FRAMES[v(major)];
  return [`backtrace ${frames.length} frames of ${argv0} ${sig}`, ...frames.map((f, i) => `#${i} ${f}`)];
}

/** glibc's message on stderr (the daemon's stderr is `<log>.sys`) as the assertion aborts SRS. */
const ASSERT_MESSAGE =
  "srs: ./src/kernel/srs_kernel_error.cpp:446: static void SrsCplxError::srs_assert(bool): Assertion `expression' failed.\n";

module.exports = { listenerFd, bindFailure, reloadBacktrace, ASSERT_MESSAGE };
