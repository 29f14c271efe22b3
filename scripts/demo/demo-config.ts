import fs from 'node:fs';
import { parse } from 'yaml';

/** The console demo's people: alice runs the commands (admin); bob approves her upgrades (`as UBOB press bN`). */
export const DEMO_USERS = { alice: 'UALICE', bob: 'UBOB' } as const;

/** Versions the demo hosts' package repository offers: a good build, and one that does not start (a rollout halts). */
export const DEMO_PACKAGES: ReadonlyArray<readonly [string, 'no-start' | undefined]> = [
  ['6.0.185', undefined],
  ['6.0.186', 'no-start'],
];

/** Environment variables that give Slack users their roles in the Slack demo (comma- or space-separated ids). */
export const ROLE_ENV = {
  admin: 'SRS_CHATOPS_DEMO_ADMINS',
  operator: 'SRS_CHATOPS_DEMO_OPERATORS',
  viewer: 'SRS_CHATOPS_DEMO_VIEWERS',
  approver: 'SRS_CHATOPS_DEMO_APPROVERS',
} as const;

/** A YAML file merged over the generated config (slack, approvals, grace, upgrade...; not hosts or ssh). */
export const CONFIG_ENV = 'SRS_CHATOPS_DEMO_CONFIG';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** How the demo talks to people. */
export type DemoMode = { kind: 'console' } | { kind: 'fleet-only' } | { kind: 'slack'; socketMode: boolean };

/** Why the demo cannot start as asked, with what to do (printed as is). */
export class DemoSetupError extends Error {}

/** Console unless SLACK_BOT_TOKEN is set; Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP). */
export function demoMode(env: NodeJS.ProcessEnv, args: readonly string[]): DemoMode {
  if (args.includes('--fleet-only')) return { kind: 'fleet-only' };
  if (!env.SLACK_BOT_TOKEN) return { kind: 'console' };
  if (env.SLACK_APP_TOKEN) return { kind: 'slack', socketMode: true };
  if (env.SLACK_SIGNING_SECRET) return { kind: 'slack', socketMode: false };
  throw new DemoSetupError(
    'SLACK_BOT_TOKEN is set, so the demo runs the Slack bot, which also needs either\n' +
      '  SLACK_APP_TOKEN=xapp-...       Socket Mode (no public URL, no signing secret), or\n' +
      '  SLACK_SIGNING_SECRET=...       HTTP mode (Slack posts to http://<this host>:$PORT/slack/events).\n' +
      'Unset SLACK_BOT_TOKEN for the console demo.',
  );
}

/** Slack user ids from a comma- or space-separated list; a malformed one is an error naming the variable. */
export function parseUserList(name: string, value: string | undefined): string[] {
  const ids = (value ?? '').split(/[\s,]+/).filter((s) => s !== '');
  const bad = ids.filter((id) => !SLACK_USER_ID.test(id));
  if (bad.length > 0) {
    throw new DemoSetupError(
      `${name}: ${bad.join(', ')} ${bad.length === 1 ? 'is not a Slack user id' : 'are not Slack user ids'} (U or W, then capitals and digits, e.g. U0123ABCD)`,
    );
  }
  return [...new Set(ids)];
}

/** The user's config file (CONFIG_ENV or `--config FILE`), as a document to merge; {} when none is given. */
export function readUserConfig(env: NodeJS.ProcessEnv, args: readonly string[]): { path?: string; doc: Record<string, unknown> } {
  const i = args.indexOf('--config');
  const file = (i >= 0 ? args[i + 1] : undefined) ?? env[CONFIG_ENV];
  if (!file) return { doc: {} };
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DemoSetupError(`cannot read the demo config ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (doc === null || doc === undefined) return { path: file, doc: {} };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new DemoSetupError(`${file}: expected a YAML mapping (slack:, approvals:, ...)`);
  const generated = ['hosts', 'ssh'].filter((k) => k in doc);
  if (generated.length > 0)
    throw new DemoSetupError(`${file}: leave out ${generated.join(' and ')}: the demo generates them for its own fleet`);
  return { path: file, doc: doc as Record<string, unknown> };
}

/** Roles and approvers of the demo config. */
export interface DemoPeople {
  roles: { admin: string[]; operator: string[]; viewer: string[] };
  approvers: string[];
  /** The console's user (console mode). */
  consoleUser?: string;
}

/** How to give Slack users roles in the demo (printed when none is set). */
export function slackRolesHelp(): string {
  return (
    'The Slack demo needs to know who you are: give your Slack member ids roles (Slack: your profile > ... > Copy member ID):\n' +
    `  export ${ROLE_ENV.admin}=U0123ABCD            # may run everything\n` +
    `  export ${ROLE_ENV.operator}=U0456EFGH         # start/stop/restart/grace/upgrade (optional)\n` +
    `  export ${ROLE_ENV.approver}=U0456EFGH         # approve upgrades: someone other than the requester (default: admins and operators)\n` +
    `  export ${ROLE_ENV.viewer}=U0789IJKL           # read-only (optional)\n` +
    `or put slack.roles and approvals.approvers in a YAML file and pass it: ${CONFIG_ENV}=my-demo.yml (or npm run demo -- --config my-demo.yml).`
  );
}

/**
 * Who may do what. Console (and fleet-only): alice (admin) and bob (operator, approver), unless the user's file
 * says otherwise. Slack: the ids in the ROLE_ENV variables, or the user's file; refused when nobody would be able to
 * run a command.
 */
export function demoPeople(mode: DemoMode, env: NodeJS.ProcessEnv, userDoc: Record<string, unknown>): DemoPeople {
  if (mode.kind !== 'slack') {
    return {
      roles: { admin: [DEMO_USERS.alice], operator: [DEMO_USERS.bob], viewer: [] },
      approvers: [DEMO_USERS.bob, DEMO_USERS.alice],
      consoleUser: DEMO_USERS.alice,
    };
  }
  const admin = parseUserList(ROLE_ENV.admin, env[ROLE_ENV.admin]);
  const operator = parseUserList(ROLE_ENV.operator, env[ROLE_ENV.operator]).filter((u) => !admin.includes(u));
  const viewer = parseUserList(ROLE_ENV.viewer, env[ROLE_ENV.viewer]).filter((u) => !admin.includes(u) && !operator.includes(u));
  const listed = parseUserList(ROLE_ENV.approver, env[ROLE_ENV.approver]);
  const approvers = listed.length > 0 ? listed : [...admin, ...operator];
  // Approvers need a role to be recognised at all: those without one may read (viewer).
  for (const u of approvers) if (!admin.includes(u) && !operator.includes(u) && !viewer.includes(u)) viewer.push(u);
  const fileRoles = (userDoc.slack as { roles?: Record<string, unknown> } | undefined)?.roles;
  const fileHasPeople =
    fileRoles !== undefined && ['admin', 'operator'].some((r) => Array.isArray(fileRoles[r]) && fileRoles[r].length > 0);
  if (admin.length + operator.length === 0 && !fileHasPeople) throw new DemoSetupError(slackRolesHelp());
  return { roles: { admin, operator, viewer }, approvers };
}

/** What the demo adds to the fleet's generated config (before the user's file, which wins). */
export function demoConfigExtra(people: DemoPeople): Record<string, unknown> {
  return {
    slack: { roles: people.roles },
    // A drain you can watch: the Extend button adds 30 s, so the deadline question comes back soon.
    grace: { extendMs: 30_000 },
    approvals: { approvers: { all: people.approvers } },
    // Three hosts is already a wide change here: `restart edges` shows its blast radius and waits for a Confirm.
    confirm: { hosts: 2 },
    upgrade: {
      install: ['{root}/../bin/srs-install', '{version}', '--root', '{root}'],
      batchSize: 1,
      healthTimeoutMs: 15_000,
      // Each host's graceful restart drains for 10 s (its stayers never leave), then the quit is forced.
      deadlineMs: 10_000,
    },
  };
}
