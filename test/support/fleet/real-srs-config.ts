import type { SrsPorts } from './srs-sim';

/** What a real host's conf/srs.conf sets. */
export interface RealConfigOptions {
  ports: SrsPorts;
  graceStartWaitMs?: number;
  graceFinalWaitMs?: number;
  forceGraceQuit?: boolean;
}

/**
 * conf/srs.conf for a real SRS host: SRS's own console config shape with the host's ports, the pid and log files
 * the init.d script reads, the grace directives, and HTTP-FLV remux. No simulator directives: real SRS refuses an
 * unknown top-level directive.
 */
export function renderRealConfig(o: RealConfigOptions): string {
  return [
    '# main config for srs (srs-chatops test host, real SRS).',
    '',
    `listen              ${o.ports.rtmp};`,
    'max_connections     1000;',
    'pid                 ./objs/srs.pid;',
    'srs_log_tank        file;',
    'srs_log_file        ./objs/srs.log;',
    'daemon              on;',
    `grace_start_wait    ${o.graceStartWaitMs ?? 2300};`,
    `grace_final_wait    ${o.graceFinalWaitMs ?? 3200};`,
    `force_grace_quit    ${o.forceGraceQuit === true ? 'on' : 'off'};`,
    '',
    'http_api {',
    '    enabled         on;',
    `    listen          ${o.ports.api};`,
    '}',
    'http_server {',
    '    enabled         on;',
    `    listen          ${o.ports.http};`,
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
  ].join('\n');
}
