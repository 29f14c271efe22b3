// @ts-check
'use strict';
/**
 * SRS-style config parser (nginx-like syntax): `directive args;`, `block args { ... }`, `#` comments.
 * Written from the service contract; tolerant about directive contents, strict about syntax and
 * about unknown top-level directives.
 */

/**
 * @typedef {{ name: string, args: string[], children: Directive[] | null, line: number }} Directive
 * @typedef {{ host: string, port: number, ip: string }} ListenAddr  host: where the sim binds; ip: as configured (SRS logs it)
 * @typedef {{
 *   pid: string, logFile: string, logTank: string, daemon: boolean,
 *   graceStartWait: number, graceFinalWait: number, forceGraceQuit: boolean,
 *   rtmp: ListenAddr[], listenArgs: string[], httpApi: ListenAddr | null, httpServer: ListenAddr | null,
 *   rawApi: boolean, allowReload: boolean, vhosts: string[],
 *   simExitDelay: number, simBindFailDelay: number, serverId: string | null
 * }} SrsSettings
 */

const TOP_LEVEL = new Set([
  'listen',
  'pid',
  'chunk_size',
  'ff_log_dir',
  'ff_log_level',
  'srs_log_tank',
  'srs_log_level',
  'srs_log_level_v2',
  'srs_log_file',
  'max_connections',
  'daemon',
  'utc_time',
  'utc_time',
  'work_dir',
  'asprocess',
  'empty_ip_ok',
  'tcmalloc_release_rate',
  'grace_start_wait',
  'grace_final_wait',
  'force_grace_quit',
  'disable_daemon_for_docker',
  'inotify_auto_reload',
  'auto_reload_for_docker',
  'query_latest_version',
  'first_wait_for_qlv',
  'circuit_breaker',
  'in_docker',
  'is_full',
  'heartbeat',
  'stats',
  'http_api',
  'http_server',
  'stream_caster',
  'rtc_server',
  'srt_server',
  'rtsp_server',
  'vhost',
  'exporter',
  'threads',
  'hybrids',
  'tencentcloud_cls',
  'tencentcloud_apm',
  'server_id',
  'include',
  'srs_log_flush',
  'sim_exit_delay',
  'sim_bind_fail_delay',
]);
const BLOCKS = new Set([
  'http_api',
  'http_server',
  'vhost',
  'stream_caster',
  'rtc_server',
  'srt_server',
  'rtsp_server',
  'heartbeat',
  'stats',
  'exporter',
  'threads',
  'hybrids',
  'circuit_breaker',
  'tencentcloud_cls',
  'tencentcloud_apm',
]);
const INT_DIRECTIVES = new Set([
  'grace_start_wait',
  'grace_final_wait',
  'chunk_size',
  'max_connections',
  'sim_exit_delay',
  'sim_bind_fail_delay',
]);
const BOOL_DIRECTIVES = new Set([
  'daemon',
  'force_grace_quit',
  'utc_time',
  'asprocess',
  'empty_ip_ok',
  'disable_daemon_for_docker',
  'inotify_auto_reload',
  'auto_reload_for_docker',
  'query_latest_version',
  'in_docker',
  'is_full',
]);

/** A config error: `parse` (syntax, found while reading the file) or `check` (found when checking directives). */
class ConfigError extends Error {
  /** @param {string} message @param {'parse' | 'check'} [stage] */
  constructor(message, stage = 'parse') {
    super(message);
    this.stage = stage;
  }
}

/**
 * Tokenise and parse the text into a directive tree.
 * @param {string} text
 * @returns {Directive[]}
 */
function parse(text) {
  /** @type {{ t: string, line: number, quoted: boolean }[]} */
  const tokens = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === ';' || c === '{' || c === '}') {
      tokens.push({ t: c, line, quoted: false });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new ConfigError(`read token, line=${line}, state=0 : line ${line}: unterminated string`);
      const s = text.slice(i + 1, end);
      line += s.split('\n').length - 1;
      tokens.push({ t: s, line, quoted: true });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s;{}#]/.test(/** @type {string} */ (text[j]))) j++;
    tokens.push({ t: text.slice(i, j), line, quoted: false });
    i = j;
  }
  // SRS reports errors found at the end of the file on its last line.
  const lastLine = text.replace(/\n$/, '').split('\n').length;
  let p = 0;
  /** @param {number} depth @returns {Directive[]} */
  function block(depth) {
    /** @type {Directive[]} */
    const out = [];
    for (;;) {
      const tok = tokens[p];
      if (!tok) {
        if (depth > 0) throw new ConfigError(`parse dir : line ${lastLine}: unexpected end of file, expecting "}"`);
        return out;
      }
      if (tok.t === '}' && !tok.quoted) {
        if (depth === 0) throw new ConfigError(`parse dir : line ${tok.line}: unexpected "}"`);
        p++;
        return out;
      }
      if (!tok.quoted && (tok.t === ';' || tok.t === '{')) throw new ConfigError(`parse dir : line ${tok.line}: unexpected "${tok.t}"`);
      const name = tok.t;
      const startLine = tok.line;
      p++;
      /** @type {string[]} */
      const args = [];
      for (;;) {
        const a = tokens[p];
        if (!a)
          throw new ConfigError(`read token, line=${lastLine}, state=0 : line ${lastLine}: unexpected end of line to parse token ${name}`);
        if (!a.quoted && a.t === ';') {
          p++;
          out.push({ name, args, children: null, line: startLine });
          break;
        }
        if (!a.quoted && a.t === '{') {
          p++;
          out.push({ name, args, children: block(depth + 1), line: startLine });
          break;
        }
        if (!a.quoted && a.t === '}') throw new ConfigError(`parse dir : line ${a.line}: directive "${name}" is not terminated by ";"`);
        args.push(a.t);
        p++;
      }
    }
  }
  try {
    return block(0);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`root parse : ${e.message}`, 'parse');
    throw e;
  }
}

/** @param {string} s */
function isBool(s) {
  return s === 'on' || s === 'off';
}

/**
 * @param {string} s  "1935", "0.0.0.0:1935", "[::]:1935"
 * @returns {ListenAddr}
 */
function parseListen(s) {
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d+)$/.exec(s);
  if (!m) throw new ConfigError(`check normal : invalid listen "${s}"`, 'check');
  const port = Number(m[2]);
  if (!(port > 0 && port < 65536)) throw new ConfigError(`check normal : invalid listen port ${port}`, 'check');
  const ip = m[1] || '0.0.0.0';
  const host = ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip;
  return { host, port, ip };
}

/**
 * Semantic checks on the tree.
 * @param {Directive[]} tree
 */
function validate(tree) {
  for (const d of tree) {
    if (!TOP_LEVEL.has(d.name)) throw new ConfigError(`check normal : illegal directive ${d.name}`, 'check');
    if (BLOCKS.has(d.name) !== (d.children !== null)) {
      throw new ConfigError(`check normal : line ${d.line}: directive "${d.name}" ${d.children ? 'cannot' : 'must'} have a block`, 'check');
    }
    if (d.name === 'vhost' && d.args.length !== 1) throw new ConfigError(`check normal : line ${d.line}: vhost needs a name`, 'check');
    if (INT_DIRECTIVES.has(d.name) && !(d.args.length === 1 && /^\d+$/.test(d.args[0] || ''))) {
      throw new ConfigError(`check normal : line ${d.line}: ${d.name} needs an integer`, 'check');
    }
    if (BOOL_DIRECTIVES.has(d.name) && !(d.args.length === 1 && isBool(d.args[0] || ''))) {
      throw new ConfigError(`check normal : line ${d.line}: ${d.name} needs on|off`, 'check');
    }
    if ((d.name === 'pid' || d.name === 'srs_log_file') && d.args.length !== 1) {
      throw new ConfigError(`check normal : line ${d.line}: ${d.name} needs one argument`, 'check');
    }
    if (d.name === 'listen') {
      if (d.args.length === 0) throw new ConfigError(`check normal : line ${d.line}: listen needs a port`, 'check');
      d.args.forEach(parseListen);
    }
    if (d.name === 'http_api' || d.name === 'http_server') {
      for (const c of d.children || []) {
        if (c.name === 'listen') c.args.forEach(parseListen);
        if (c.name === 'enabled' && !isBool(c.args[0] || ''))
          throw new ConfigError(`check normal : line ${c.line}: enabled needs on|off`, 'check');
      }
    }
  }
}

/**
 * @param {Directive[] | null | undefined} list
 * @param {string} name
 */
function find(list, name) {
  return (list || []).find((d) => d.name === name);
}

/**
 * Settings with defaults and env overrides (the env is not seen by the init.d script).
 * @param {Directive[]} tree
 * @param {NodeJS.ProcessEnv} env
 * @returns {SrsSettings}
 */
function settings(tree, env) {
  /** @param {string} n @param {string} def */
  const top = (n, def) => find(tree, n)?.args[0] ?? def;
  /** @param {string|undefined} v @param {boolean} def */
  const bool = (v, def) => (v === undefined ? def : v === 'on' || v === 'true');
  /** @param {string|undefined} v @param {number} def */
  const int = (v, def) => (v === undefined || !/^\d+$/.test(v) ? def : Number(v));

  const listen = env.SRS_LISTEN ? env.SRS_LISTEN.split(/\s+/).filter(Boolean) : find(tree, 'listen')?.args || ['1935'];
  /** @param {string} blockName @param {string} envPrefix @param {string} defPort */
  const httpBlock = (blockName, envPrefix, defPort) => {
    const b = find(tree, blockName);
    const enabled = bool(env[`${envPrefix}_ENABLED`] ?? find(b?.children, 'enabled')?.args[0], b !== undefined);
    if (!enabled) return null;
    return parseListen(env[`${envPrefix}_LISTEN`] ?? find(b?.children, 'listen')?.args[0] ?? defPort);
  };
  const api = find(tree, 'http_api');
  const raw = find(api?.children, 'raw_api');
  return {
    pid: env.SRS_PID || top('pid', './objs/srs.pid'),
    logFile: env.SRS_SRS_LOG_FILE || env.SRS_LOG_FILE || top('srs_log_file', './objs/srs.log'),
    logTank: env.SRS_SRS_LOG_TANK || env.SRS_LOG_TANK || top('srs_log_tank', 'file'),
    daemon: bool(env.SRS_DAEMON ?? find(tree, 'daemon')?.args[0], true),
    graceStartWait: int(env.SRS_GRACE_START_WAIT ?? top('grace_start_wait', '2300'), 2300),
    graceFinalWait: int(env.SRS_GRACE_FINAL_WAIT ?? top('grace_final_wait', '3200'), 3200),
    forceGraceQuit: bool(env.SRS_FORCE_GRACE_QUIT ?? find(tree, 'force_grace_quit')?.args[0], false),
    rtmp: listen.map(parseListen),
    listenArgs: listen,
    httpApi: httpBlock('http_api', 'SRS_HTTP_API', '1985'),
    httpServer: httpBlock('http_server', 'SRS_HTTP_SERVER', '8080'),
    rawApi: bool(env.SRS_HTTP_API_RAW_API_ENABLED ?? find(raw?.children, 'enabled')?.args[0], false),
    allowReload: bool(env.SRS_HTTP_API_RAW_API_ALLOW_RELOAD ?? find(raw?.children, 'allow_reload')?.args[0], false),
    vhosts: tree.filter((d) => d.name === 'vhost').map((d) => d.args[0] || ''),
    simExitDelay: int(env.SRS_SIM_EXIT_DELAY ?? top('sim_exit_delay', '20'), 20),
    simBindFailDelay: int(env.SRS_SIM_BIND_FAIL_DELAY ?? top('sim_bind_fail_delay', '1200'), 1200),
    serverId: env.SRS_SERVER_ID || top('server_id', '') || null,
  };
}

/**
 * @typedef {{ ok: true, settings: SrsSettings }
 *   | { ok: false, stage: 'missing' | 'parse' | 'check', error: string }} LoadResult
 *   error: the part of SRS's error chain that names the problem (`root parse : ...`, `check normal : ...`)
 */

/**
 * Read, parse, validate a config file.
 * @param {string} file
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {LoadResult}
 */
function loadConfig(file, env = process.env) {
  const fs = require('fs');
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { ok: false, stage: 'missing', error: `no config file at ${file}` };
  }
  try {
    const tree = parse(text);
    validate(tree);
    return { ok: true, settings: settings(tree, env) };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, stage: e.stage, error: e.message };
    throw e;
  }
}

/**
 * SRS's error chain (after `code=1023(ConfigInvalid)`) for a config that failed to load, as real SRS words it
 * where it meets the error: `test` (`srs -t`), `start` (`srs -c`), `reload` (SIGHUP).
 * Observed: `-t` `... : parse buffer FILE : root parse : parse dir : line 24: unexpected end of file, expecting "}"`;
 * start `config parse options : invalid config : parse buffer ./conf/srs.conf : root parse : ...` (syntax) or
 * `check config : check normal : illegal directive x`; reload `parse file : parse buffer ...` / `check config : ...`.
 * @param {string} file  the path as given to SRS
 * @param {{ stage: 'missing' | 'parse' | 'check', error: string }} r
 * @param {'test' | 'start' | 'reload'} where
 */
function errorChain(file, r, where) {
  if (r.stage === 'missing') return where === 'reload' ? `parse file : ${r.error}` : `config parse options : ${r.error}`;
  if (r.stage === 'check') return where === 'test' ? r.error : `check config : ${r.error}`;
  const parsed = `parse buffer ${file} : ${r.error}`;
  if (where === 'start') return `config parse options : invalid config : ${parsed}`;
  if (where === 'reload') return `parse file : ${parsed}`;
  return parsed;
}

module.exports = { parse, validate, settings, loadConfig, parseListen, errorChain, ConfigError };
