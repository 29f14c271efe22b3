// @ts-check
'use strict';
/**
 * The default conf/srs.conf of a simulated host (realistic SRS layout, the host's ports).
 */

/**
 * @typedef {{
 *   ports?: { rtmp: number, http: number, api: number },
 *   graceStartWaitMs?: number, graceFinalWaitMs?: number, forceGraceQuit?: boolean,
 *   exitDelayMs?: number, bindFailDelayMs?: number, rawApi?: boolean,
 *   pid?: string, srs_log_file?: string, daemon?: boolean, listen?: number | string,
 *   http_api?: number | false, http_server?: number | false,
 *   grace_start_wait?: number, grace_final_wait?: number, force_grace_quit?: boolean,
 *   sim_exit_delay?: number, sim_bind_fail_delay?: number, raw_api?: boolean, extra?: string,
 * }} ConfigOverrides
 */

/** @param {boolean} b */
const onOff = (b) => (b ? 'on' : 'off');

/**
 * @param {ConfigOverrides} o  install parameters (camelCase) and/or directive overrides (snake_case)
 * @returns {string}
 */
function renderConfig(o) {
  const ports = o.ports || { rtmp: 1935, http: 8080, api: 1985 };
  const api = o.http_api === undefined ? ports.api : o.http_api;
  const http = o.http_server === undefined ? ports.http : o.http_server;
  const raw = o.raw_api ?? o.rawApi ?? false;
  const lines = [
    '# main config for srs (srs-chatops simulator host).',
    '# @see full.conf for detail config.',
    '',
    `listen              ${o.listen ?? ports.rtmp};`,
    'max_connections     1000;',
    `pid                 ${o.pid ?? './objs/srs.pid'};`,
    'srs_log_tank        file;',
    `srs_log_file        ${o.srs_log_file ?? './objs/srs.log'};`,
    `daemon              ${onOff(o.daemon ?? true)};`,
    `grace_start_wait    ${o.grace_start_wait ?? o.graceStartWaitMs ?? 2300};`,
    `grace_final_wait    ${o.grace_final_wait ?? o.graceFinalWaitMs ?? 3200};`,
    `force_grace_quit    ${onOff(o.force_grace_quit ?? o.forceGraceQuit ?? false)};`,
    '# simulator only: delay from "srs terminated" to exit; how long a "crash" build lives (ms).',
    `sim_exit_delay      ${o.sim_exit_delay ?? o.exitDelayMs ?? 20};`,
    `sim_bind_fail_delay ${o.sim_bind_fail_delay ?? o.bindFailDelayMs ?? 1200};`,
    '',
    'http_api {',
    `    enabled         ${onOff(api !== false)};`,
    `    listen          ${api === false ? ports.api : api};`,
    ...(raw ? ['    raw_api {', '        enabled         on;', '        allow_reload    on;', '    }'] : []),
    '}',
    'http_server {',
    `    enabled         ${onOff(http !== false)};`,
    `    listen          ${http === false ? ports.http : http};`,
    '    dir             ./objs/nginx/html;',
    '}',
    '',
    'vhost __defaultVhost__ {',
    '    http_remux {',
    '        enabled     on;',
    '        mount       [vhost]/[app]/[stream].flv;',
    '    }',
    '}',
    '',
  ];
  if (o.extra) lines.push(o.extra, '');
  return lines.join('\n');
}

module.exports = { renderConfig };
