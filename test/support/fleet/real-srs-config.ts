import type { SrsPorts } from './srs-sim';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const template = require('../../srs-sim/config-template.js') as {
  renderConfig: (o: { ports: SrsPorts; graceStartWaitMs?: number; graceFinalWaitMs?: number; forceGraceQuit?: boolean }) => string;
};

/** What a real host's conf/srs.conf sets. */
export interface RealConfigOptions {
  ports: SrsPorts;
  graceStartWaitMs?: number;
  graceFinalWaitMs?: number;
  forceGraceQuit?: boolean;
}

/** The simulator's own directives (and their comment), which real SRS refuses as illegal top-level directives. */
const SIMULATOR_ONLY = /^(sim_\w+\s|# simulator only)/;

/**
 * conf/srs.conf for a real SRS host: the simulator hosts' config (SRS's console config shape with the host's ports,
 * the pid and log files the init.d script reads, the grace directives, HTTP-FLV remux), less the simulator's own
 * directives. Both engines get the same config, so the conformance cases edit the same text on either.
 */
export function renderRealConfig(o: RealConfigOptions): string {
  return template
    .renderConfig(o)
    .split('\n')
    .filter((line) => !SIMULATOR_ONLY.test(line))
    .join('\n')
    .replace('(srs-chatops simulator host)', '(srs-chatops test host, real SRS)');
}
