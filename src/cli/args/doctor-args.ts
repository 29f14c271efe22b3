import { HELP_OPTION, type Parsed } from './help-option';
import { parseCommandArgs } from './parse-command-args';

/** Usage of `srs-chatops doctor`. */
export const DOCTOR_USAGE = `usage: srs-chatops doctor [--trust-new]

Checks the config (SRS_CHATOPS_CONFIG), Slack (token, scopes), Redis (REDIS_URL: persistence, eviction) and every
host (SSH, host key, SRS installation); prints the fix for each problem. Exits 0 when all is fine, 1 otherwise.

options:
  --trust-new   first pin the SSH host key each host offers now, for hosts that no known_hosts line names
                (trust on first use: check the fingerprints it prints)
  -h, --help    this text
`;

const OPTIONS = { ...HELP_OPTION, 'trust-new': { type: 'boolean' } } as const;

/** What `doctor` runs with. */
export interface DoctorArgs {
  trustNew: boolean;
}

/** Parses `doctor [--trust-new] [--help]`; throws a UsageError on anything else. */
export function parseDoctorArgs(args: readonly string[]): Parsed<DoctorArgs> {
  const { values } = parseCommandArgs(args, OPTIONS);
  return values.help === true ? { help: true } : { help: false, trustNew: values['trust-new'] === true };
}
