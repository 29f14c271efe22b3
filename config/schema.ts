import { z } from 'zod';

/** Names of hosts and groups: lowercase words, digits, dashes, dots; what the command grammar accepts. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Absolute paths made of safe characters only: they are passed to remote commands (quoted, as arguments). */
export const SAFE_PATH_PATTERN = /^\/[A-Za-z0-9._/+-]*$/;
/** A host address: IPv4, IPv6 or a DNS name. */
const ADDRESS_PATTERN = /^[A-Za-z0-9.:-]+$/;
/** A Slack user id (immutable, unlike names). */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,20}$/;

const port = z.number().int().min(1).max(65535);
const safePath = z.string().regex(SAFE_PATH_PATTERN, 'must be an absolute path of letters, digits and . _ / + -');

/** System paths on a host, as SRS's docs install it; configurable so that tests can run many hosts on one machine. */
export const systemPathsSchema = z
  .object({
    /** Where `/etc/init.d/srs` lives. @defaultValue `/etc/init.d/srs` */
    initdLink: safePath.default('/etc/init.d/srs'),
    /** The directory holding rcN.d (update-rc.d) or rc.d/rcN.d (chkconfig) links. @defaultValue `/etc` */
    rcRoot: safePath.default('/etc'),
    /** Where the unit must be copied for `systemctl enable` to work. @defaultValue `/usr/lib/systemd/system` */
    systemdUnitDir: safePath.default('/usr/lib/systemd/system'),
    /** The systemctl binary. @defaultValue `systemctl` */
    systemctl: z
      .string()
      .regex(/^[A-Za-z0-9._/+-]+$/)
      .default('systemctl'),
    /**
     * The root-owned helper a non-root login runs through `sudo -n` (`become: sudo`): the only program the sudoers
     * rule allows (docs/privilege.md). @defaultValue `/usr/local/sbin/srs-chatops-helper`
     */
    helper: safePath.default('/usr/local/sbin/srs-chatops-helper'),
  })
  .strict();

const loginUser = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Unix login name');
const hostName = z.string().regex(NAME_PATTERN, 'must be lowercase letters, digits, . _ - (max 63)');
/** Jump hosts, outermost first (as OpenSSH's ProxyJump): one name or a list of `bastions` names. */
const jumpChain = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(hostName).min(1).max(8));
/**
 * How a non-root login gains the privilege the verbs need: `sudo` runs the root-owned helper with `sudo -n` (never
 * prompting); `none` runs everything as the login user (root, or the user owning SRS).
 */
const becomeMethod = z.enum(['none', 'sudo']);

/** One SRS host. */
export const hostSchema = z
  .object({
    /** Name used in commands (`edge-3`). */
    name: z.string().regex(NAME_PATTERN, 'must be lowercase letters, digits, . _ - (max 63)'),
    /** SSH address. */
    address: z.string().regex(ADDRESS_PATTERN, 'must be an IP address or DNS name'),
    /** SSH port. @defaultValue 22 */
    port: port.default(22),
    /** Groups the host belongs to (`edges`, `prod`). */
    groups: z.array(z.string().regex(NAME_PATTERN)).default([]),
    /** SRS install root (`ROOT` of the init.d script). @defaultValue `/usr/local/srs` */
    srsRoot: safePath.default('/usr/local/srs'),
    /** Config file, relative to srsRoot or absolute. @defaultValue `conf/srs.conf` */
    srsConfig: z
      .string()
      .regex(/^[A-Za-z0-9._/+-]+$/)
      .default('conf/srs.conf'),
    /** How SRS runs as a service: the init.d script, or the `srs.service` systemd unit. @defaultValue `initd` */
    serviceManager: z.enum(['initd', 'systemd']).default('initd'),
    /** The SRS HTTP API as seen from the host itself (reached through the SSH connection). @defaultValue `127.0.0.1:1985` */
    api: z
      .string()
      .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port')
      .default('127.0.0.1:1985'),
    /** Media ports whose established connections count as clients (RTMP, HTTP-FLV). @defaultValue [1935, 8080] */
    mediaPorts: z.array(port).default([1935, 8080]),
    /** SSH user for this host, overriding its groups' `user` and `ssh.user`. */
    user: loginUser.optional(),
    /** Jump hosts to reach it through (names from `bastions`), overriding its groups' `jump`. */
    jump: jumpChain.optional(),
    /** Privilege for the verbs, overriding its groups' `become`. @defaultValue `none` */
    become: becomeMethod.optional(),
    system: systemPathsSchema.default(systemPathsSchema.parse({})),
  })
  .strict();

/** A jump host (bastion): reached directly, or through the bastions before it in a host's `jump` chain. */
export const bastionSchema = z
  .object({
    name: hostName,
    /** SSH address as the previous hop (or the bot) sees it. */
    address: z.string().regex(ADDRESS_PATTERN, 'must be an IP address or DNS name'),
    /** @defaultValue 22 */
    port: port.default(22),
    /** Login user on the bastion. @defaultValue `ssh.user` */
    user: loginUser.optional(),
  })
  .strict();

/** Settings every host of a group takes unless the host sets its own (a host in two groups must not get two values). */
export const groupSettingsSchema = z
  .object({
    user: loginUser.optional(),
    jump: jumpChain.optional(),
    become: becomeMethod.optional(),
  })
  .strict();

/** A private key file, with where its passphrase comes from when it has one (never logged). */
export const privateKeySchema = z
  .object({
    path: z.string().min(1),
    /** A file holding the passphrase (first line; mode 0600 like the key). */
    passphraseFile: z.string().min(1).optional(),
    /** An environment variable holding the passphrase. */
    passphraseEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
  })
  .strict();

/** Where the hosts come from when not listed under `hosts`: an inventory the team already keeps. */
export const inventorySchema = z
  .object({
    /** The inventory file. */
    file: z.string().min(1),
    /** `ansible` reads an Ansible inventory (YAML or INI, told apart by content); `yaml` a list of hosts as under `hosts`. @defaultValue `ansible` */
    format: z.enum(['ansible', 'yaml']).default('ansible'),
    /** Only the hosts of this inventory group are SRS hosts (others can still be bastions). @defaultValue every host */
    group: hostName.optional(),
  })
  .strict();

export const sshSchema = z
  .object({
    /** SSH login user, unless a host or its groups set another. */
    user: loginUser,
    /** Private key file (must not be readable by group or others); tried before `privateKeys`. */
    privateKeyPath: z.string().min(1).optional(),
    /** More private keys, tried in order (after `privateKeyPath`, before the agent). */
    privateKeys: z.array(privateKeySchema).default([]),
    /**
     * ssh-agent: `auto` uses `SSH_AUTH_SOCK` when it is set; `off` never; or the agent socket's path. Agent keys are
     * tried after the key files. @defaultValue `auto`
     */
    agent: z.union([z.enum(['auto', 'off']), z.string().regex(/^\/[A-Za-z0-9._/+-]*$/)]).default('auto'),
    /** known_hosts file pinning every host's key. Hosts not in it are refused. */
    knownHostsPath: z.string().min(1),
    /** @defaultValue 5000 */
    connectTimeoutMs: z.number().int().positive().default(5000),
    /** Upper bound for one remote command. @defaultValue 60000 */
    commandTimeoutMs: z.number().int().positive().default(60000),
    /** @defaultValue 10000 */
    keepaliveIntervalMs: z.number().int().nonnegative().default(10000),
    /** Pooled connections close after this long unused. @defaultValue 60000 */
    idleTimeoutMs: z.number().int().nonnegative().default(60000),
    /** Channels used at once on one connection (sshd's MaxSessions is 10). @defaultValue 6 */
    maxChannelsPerHost: z.number().int().min(1).max(10).default(6),
    /** SSH handshakes in progress at once per worker process (the connect timeout starts when one is admitted). @defaultValue 32 */
    maxConcurrentConnects: z.number().int().min(1).max(1000).default(32),
  })
  .strict();

export const workerSchema = z
  .object({
    /** Hosts worked on at once by one worker process. @defaultValue 50 */
    concurrency: z.number().int().min(1).max(1000).default(50),
    /** How long after start/restart to wait before confirming (SRS dies ~1.2 s after a bind failure). @defaultValue 2500 */
    startSettleMs: z.number().int().nonnegative().default(2500),
    /**
     * How long a start (also the start of a restart, graceful restart or upgrade) waits for the pid file's process to
     * be reaped when it is a zombie: SRS's init.d counts a zombie as running (`ps -p`) and would start nothing. An
     * exited SRS stays a zombie until its parent (init) reaps it, ~1-2 s on a normal host; past this wait the start
     * fails and says which parent does not reap. @defaultValue 10000
     */
    zombieReapWaitMs: z.number().int().nonnegative().default(10000),
    /** How long stop may take to be confirmed (init.d escalates to SIGKILL after ~32 s). @defaultValue 40000 */
    stopTimeoutMs: z.number().int().positive().default(40000),
    /** How long reload/rotate/grace have to show their log line. @defaultValue 3000 */
    confirmTimeoutMs: z.number().int().positive().default(3000),
    /** Output kept per result (characters). @defaultValue 2000 */
    outputCapChars: z.number().int().min(100).max(100000).default(2000),
    /** A job whose worker died is taken over by another worker after this long (BullMQ lock). @defaultValue 30000 */
    lockDurationMs: z.number().int().min(1000).default(30000),
    /** How often workers look for jobs whose worker died. @defaultValue 15000 */
    stalledIntervalMs: z.number().int().min(500).default(15000),
  })
  .strict();

export const graceSchema = z
  .object({
    /** How long a graceful quit may drain before the bot asks what to do (per command: `--deadline 5m`). @defaultValue 600000 */
    deadlineMs: z.number().int().positive().default(600000),
    /** What the Extend button adds. @defaultValue 300000 */
    extendMs: z.number().int().positive().default(300000),
    /** How often the host is looked at while draining. @defaultValue 1000 */
    pollMs: z.number().int().min(100).max(60000).default(1000),
    /** After SIGINT, SIGKILL when the process still lives after grace_final_wait plus this. @defaultValue 3000 */
    killMarginMs: z.number().int().nonnegative().default(3000),
    /** Groups whose hosts escalate by themselves at the deadline (no buttons). @defaultValue [] */
    autoEscalateGroups: z.array(z.string().regex(NAME_PATTERN)).default([]),
    /** Make every `restart` a graceful restart (grace, wait for the exit, start), as `--graceful` does. @defaultValue false */
    restartGraceful: z.boolean().default(false),
    /** The bot stops following after this long, whatever the drain (the job then ends as unknown). @defaultValue 21600000 */
    maxFollowMs: z
      .number()
      .int()
      .positive()
      .default(6 * 3600 * 1000),
  })
  .strict();

export const auditSchema = z
  .object({
    /** Also append every audit record to this file (JSON lines, fsync per record), e.g. for a SIEM. */
    file: z.string().min(1).optional(),
    /**
     * The chain head published outside Redis (anchors): posted to `channel` (chat:write; invite the bot) and written
     * to `file`, after each state-changing request and every `everyMs`, whenever the log has grown since the last one.
     * `audit verify --anchors-from` checks the log against every anchor kept.
     */
    anchors: z
      .object({
        /** Slack channel id where the bot posts each anchor (a private channel few can write to). Off when unset. */
        channel: z.string().regex(SLACK_CHANNEL_ID).optional(),
        /** An anchor at least this often while the log grows. @defaultValue 3600000 (1 h) */
        everyMs: z.number().int().min(60_000).default(3_600_000),
        /** Quiet time after a state-changing record before its anchor is published (coalesces a burst). @defaultValue 5000 */
        settleMs: z.number().int().min(100).max(600_000).default(5000),
      })
      .strict()
      .default({ everyMs: 3_600_000, settleMs: 5000 }),
  })
  .strict();

export const slackSchema = z
  .object({
    /** Channel ids where commands are accepted; empty means any channel. */
    allowedChannels: z.array(z.string().regex(SLACK_CHANNEL_ID)).default([]),
    /** Roles by immutable Slack user id. */
    roles: z
      .object({
        admin: z.array(z.string().regex(SLACK_USER_ID)).default([]),
        operator: z.array(z.string().regex(SLACK_USER_ID)).default([]),
        viewer: z.array(z.string().regex(SLACK_USER_ID)).default([]),
      })
      .strict()
      .default({ admin: [], operator: [], viewer: [] }),
  })
  .strict();

/** An SRS version as the bot accepts it for upgrades: `6.0.184` (digits and dots only; never spliced into a shell). */
export const VERSION_PATTERN = /^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,6}$/;

/** One element of the install command: constant text with `{version}`, `{root}` or `{previous}` placeholders. */
const installArg = z
  .string()
  .regex(/^[A-Za-z0-9._/+=:,@{}-]{1,200}$/, 'letters, digits, . _ / + = : , @ - and {version} {root} {previous} placeholders only');

/** Verbs (or `upgrade`) that need another person's approval, on hosts of some groups. */
const gateSchema = z
  .object({
    /** A service verb, or `upgrade` (always gated). */
    verb: z.enum(['status', 'start', 'stop', 'restart', 'reload', 'rotate', 'grace', 'upgrade']),
    /** Groups whose hosts need approval for this verb; `all` means every host. */
    groups: z.array(z.string().regex(NAME_PATTERN)).min(1),
  })
  .strict();

export const approvalsSchema = z
  .object({
    /** A pending approval expires after this long: the card says so and nothing runs. @defaultValue 1800000 (30 min) */
    expireMs: z
      .number()
      .int()
      .min(10000)
      .default(30 * 60 * 1000),
    /** Who may approve, by group (`all`: every host). An approver must cover every host of a plan. */
    approvers: z.record(z.string().regex(NAME_PATTERN), z.array(z.string().regex(SLACK_USER_ID))).default({}),
    /** Approvals needed, by group (the largest over a plan's hosts wins). @defaultValue 1 for every group */
    required: z.record(z.string().regex(NAME_PATTERN), z.number().int().min(1).max(5)).default({}),
    /** Verbs that need approval on some groups (e.g. `stop` on `prod`). Upgrades always need one. */
    gated: z.array(gateSchema).default([]),
  })
  .strict();

export const upgradeSchema = z
  .object({
    /**
     * The install command run on the host, as an argv (never a shell line): the target version is passed as an
     * argument (`{version}`), with `{root}` (the host's srsRoot) and `{previous}` (its version before) available.
     * @defaultValue ['/usr/local/bin/srs-install', '{version}', '--root', '{root}']
     */
    install: z.array(installArg).min(1).default(['/usr/local/bin/srs-install', '{version}', '--root', '{root}']),
    /** Upper bound for the install command. @defaultValue 600000 */
    installTimeoutMs: z.number().int().positive().default(600000),
    /** Hosts upgraded at once; the next batch starts only when the previous one is healthy. @defaultValue 1 */
    batchSize: z.number().int().min(1).max(100).default(1),
    /** Failed hosts tolerated before the rollout halts (0: halt on the first). @defaultValue 0 */
    failureBudget: z.number().int().min(0).max(100).default(0),
    /** Re-install a failed host's previous version and restart it. @defaultValue false */
    rollback: z.boolean().default(false),
    /** How long after the restart streams and publishers have to come back. @defaultValue 60000 */
    healthTimeoutMs: z.number().int().min(1000).default(60000),
    /** Drain deadline of each host's graceful restart. @defaultValue grace.deadlineMs */
    deadlineMs: z.number().int().positive().optional(),
    /**
     * At the drain deadline, force the quit (SIGINT, then SIGKILL) without asking: the approvers saw the deadline on
     * the plan. Off: the deadline question with its buttons holds the rollout until someone answers. @defaultValue true
     */
    escalateAtDeadline: z.boolean().default(true),
  })
  .strict();

/** A batch size: a number of hosts (`2`), or a share of the target's hosts (`"25%"`, at least one host). */
export const batchSizeSchema = z.union([
  z.number().int().min(1).max(1000),
  z.string().regex(/^(100|[1-9][0-9]?)%$/, 'a batch is a number of hosts (2) or a share of the target ("25%", 1% to 100%)'),
]);

/** How one group's hosts roll: batch size, its limit, whether `--parallel` is allowed, hosts changing at once. */
export const rollingGroupSchema = z
  .object({
    /** Hosts changed at once in a rolling verb (`1`, `N` or `N%`). @defaultValue rolling.batch */
    batch: batchSizeSchema.optional(),
    /** The largest `--batch N` allowed. @defaultValue rolling.maxBatch */
    maxBatch: batchSizeSchema.optional(),
    /** Whether `--parallel` (every host at once) is allowed. @defaultValue rolling.parallel */
    parallel: z.boolean().optional(),
    /** At most this many of the group's hosts change at once, across all requests and workers. Unset: no limit. */
    concurrency: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

/**
 * State-changing verbs on more than one host roll in batches (the upgrade's rollout engine): policy per group, the
 * most careful group of a target winning.
 */
export const rollingSchema = z
  .object({
    /** Default batch of a rolling verb. @defaultValue 1 */
    batch: batchSizeSchema.default(1),
    /** The largest `--batch N`. @defaultValue "50%" */
    maxBatch: batchSizeSchema.default('50%'),
    /** Whether `--parallel` is allowed at all (a group can still forbid it). @defaultValue false */
    parallel: z.boolean().default(false),
    /** Failed hosts tolerated before the run halts (`--budget N`). @defaultValue 0 */
    failureBudget: z.number().int().min(0).max(100).default(0),
    /** How long after a host's verb its health gate may take (process, API, published streams back). @defaultValue 60000 */
    healthTimeoutMs: z.number().int().min(1000).default(60000),
    /**
     * A rolling graceful quit (grace, restart --graceful) forces the quit at its drain deadline (the count of clients
     * forced off is reported); off: the deadline question holds the run until someone answers. @defaultValue true
     */
    escalateAtDeadline: z.boolean().default(true),
    /** Per-group policy (the hosts of several groups take the most careful value of each). */
    groups: z.record(z.string().regex(NAME_PATTERN), rollingGroupSchema).default({}),
  })
  .strict();

/** When a state-changing request is wide enough that the requester must confirm it after seeing the survey. */
export const confirmSchema = z
  .object({
    /** Confirm when more than this many hosts are touched. @defaultValue 3 */
    hosts: z.number().int().min(0).default(3),
    /** Confirm when the hosts touched have more than this many live viewers in total. @defaultValue 100 */
    viewers: z.number().int().min(0).default(100),
    /** An unanswered confirmation expires after this long; nothing runs. @defaultValue 600000 (10 min) */
    expireMs: z.number().int().min(10000).default(600000),
  })
  .strict();

/** The full output of every host step, kept apart from the audit log (which keeps its hash). */
export const outputSchema = z
  .object({
    /** Bytes kept per job (the head and tail are kept past it, and the record says so). @defaultValue 1048576 */
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** How long it is kept. @defaultValue 2592000000 (30 days) */
    retentionMs: z
      .number()
      .int()
      .min(60_000)
      .default(30 * 24 * 3600 * 1000),
  })
  .strict();

export const configSchema = z
  .object({
    ssh: sshSchema,
    worker: workerSchema.default(workerSchema.parse({})),
    slack: slackSchema.default(slackSchema.parse({})),
    grace: graceSchema.default(graceSchema.parse({})),
    audit: auditSchema.default(auditSchema.parse({})),
    approvals: approvalsSchema.default(approvalsSchema.parse({})),
    upgrade: upgradeSchema.default(upgradeSchema.parse({})),
    rolling: rollingSchema.default(rollingSchema.parse({})),
    confirm: confirmSchema.default(confirmSchema.parse({})),
    output: outputSchema.default(outputSchema.parse({})),
    /** Jump hosts, by name (hosts and groups name them in `jump`). */
    bastions: z.array(bastionSchema).default([]),
    /** Per-group settings (`user`, `jump`, `become`) for the hosts of each group. */
    groups: z.record(z.string().regex(NAME_PATTERN), groupSettingsSchema).default({}),
    /** The hosts, listed here; or `inventory` names where they come from (exactly one of the two). */
    hosts: z.array(hostSchema).min(1, 'at least one host is needed').optional(),
    inventory: inventorySchema.optional(),
  })
  .strict();

export type HostConfig = z.infer<typeof hostSchema>;
export type SshConfig = z.infer<typeof sshSchema>;
export type WorkerConfig = z.infer<typeof workerSchema>;
export type SlackConfig = z.infer<typeof slackSchema>;
export type GraceConfig = z.infer<typeof graceSchema>;
/** The config file as written (hosts listed, or an inventory named). */
export type ConfigFile = z.infer<typeof configSchema>;
/** The config as the bot and workers use it: the hosts resolved (inventory read, group settings applied). */
export type Config = Omit<ConfigFile, 'hosts'> & { hosts: HostConfig[] };
export type BastionConfig = z.infer<typeof bastionSchema>;
export type GroupSettings = z.infer<typeof groupSettingsSchema>;
export type PrivateKeyConfig = z.infer<typeof privateKeySchema>;
export type InventoryConfig = z.infer<typeof inventorySchema>;
export type ApprovalsConfig = z.infer<typeof approvalsSchema>;
export type UpgradeConfig = z.infer<typeof upgradeSchema>;
export type BatchSize = z.infer<typeof batchSizeSchema>;
export type RollingConfig = z.infer<typeof rollingSchema>;
export type ConfirmConfig = z.infer<typeof confirmSchema>;
export type OutputConfig = z.infer<typeof outputSchema>;
