/** Every Redis key and queue name the bot uses, in one place. Queue names may not contain `:` (BullMQ). */
export const QUEUE_NAME = 'srs-chatops-verbs';
export const PREFIX = 'srs-chatops';
/** The queue of request-level jobs (FanOutJob): each expanded into host jobs by a worker. */
export const FANOUT_QUEUE_NAME = 'srs-chatops-fanout';

export const keys = {
  /** FIFO of job ids waiting for or running on a host. */
  hostQueue: (host: string) => `${PREFIX}:hostq:${host}`,
  /** Owner token of the job running on a host. */
  hostLock: (host: string) => `${PREFIX}:hostlock:${host}`,
  /** Job summaries by id (verb, requester, time) for queue visibility. */
  jobInfo: `${PREFIX}:jobinfo`,
  /** Jobs waiting for a slot of a group's limit of hosts changing at once, in line order (sorted set, score: ticket). */
  groupLine: (group: string) => `${PREFIX}:groupq:${group}`,
  /** When each job in a group's line is dropped unless it asks again (sorted set, score: expiry ms, Redis clock). */
  groupWaitLease: (group: string) => `${PREFIX}:groupwait:${group}`,
  /** Jobs holding a slot of a group (sorted set, score: lease expiry ms, Redis clock). */
  groupSlots: (group: string) => `${PREFIX}:groupslots:${group}`,
  /** The host of each job in a group's line or slots (hash), for the thread and `/srs jobs`. */
  groupHosts: (group: string) => `${PREFIX}:grouphosts:${group}`,
  /** Jobs in a group's line whose wait was already reported (set). */
  groupTold: (group: string) => `${PREFIX}:grouptold:${group}`,
  /** Tickets of the group lines (counter): one per job joining, the same in each of its groups. */
  groupTicket: `${PREFIX}:groupticket`,
  /** Stream of job events (started, result) read by the bot's consumer group. */
  events: `${PREFIX}:events`,
  /** Decisions (force/extend/leave) for a job following a graceful quit. */
  graceControl: (jobId: string) => `${PREFIX}:gracectl:${jobId}`,
  /** Set (to the user id) when a queued job was cancelled. */
  cancelled: (jobId: string) => `${PREFIX}:cancelled:${jobId}`,
  /** Whether a state-changing command of a job may have been sent (a re-run never sends it blindly again). */
  verbCheckpoint: (jobId: string) => `${PREFIX}:verbckpt:${jobId}`,
  /** A host job's result once it was answered (on record, published): a run of it again answers with it instead. */
  jobDone: (jobId: string) => `${PREFIX}:jobdone:${jobId}`,
  /** Checkpoint of a graceful quit (sent or not, log position, progress): survives a worker restart. */
  graceCheckpoint: (jobId: string) => `${PREFIX}:graceckpt:${jobId}`,
  /** The full output of one job (StoredOutput JSON), kept for `output.retentionMs`. */
  output: (jobId: string) => `${PREFIX}:output:${jobId}`,
  /** A chat request's thread and progress. */
  request: (id: string) => `${PREFIX}:req:${id}`,
  /** An approval: plan, state, decision (hash). */
  approval: (id: string) => `${PREFIX}:approval:${id}`,
  /** Who approved it, in press order (list). */
  approvalBy: (id: string) => `${PREFIX}:approval:${id}:by`,
  /** Pending approvals by expiry time (sorted set). */
  approvalsPending: `${PREFIX}:approvals:pending`,
  /** Approved plans not yet started, by approval time (sorted set): the bot's sweeper starts them after a crash. */
  approvalsStarting: `${PREFIX}:approvals:starting`,
  /** The pre-upgrade snapshot of one host's upgrade job (baseline of its checks; survives a worker restart). */
  upgradeBaseline: (jobId: string) => `${PREFIX}:upgradebase:${jobId}`,
  /** A rollout: plan, state, batch (hash), host states in `host:<name>` fields. */
  rollout: (id: string) => `${PREFIX}:rollout:${id}`,
  /** Rollouts running or aborting (set). */
  rolloutsActive: `${PREFIX}:rollouts:active`,
  /** Set (to the user id) when hosts in progress must stop at their next step (`abort --now`). */
  rolloutStopNow: (id: string) => `${PREFIX}:rollout:${id}:stopnow`,
  /** The request a chat invocation (Slack's trigger_id) started: a redelivery runs once. */
  trigger: (triggerId: string) => `${PREFIX}:trigger:${triggerId}`,
  /** A request signature seen recently (replay guard). */
  seenSignature: (signature: string) => `${PREFIX}:sig:${signature}`,
  /** Ids of workers that ever beat (set, pruned by readers). */
  workers: `${PREFIX}:workers`,
  /** A worker's beat: present while the worker lives (Redis expires it, so clocks of different machines never matter). */
  workerBeat: (workerId: string) => `${PREFIX}:worker:${workerId}`,
  /** The hosts a fan-out's request-level job was expanded into so far, in order (list): cancel and the thread read it. */
  fanOutHosts: (requestId: string) => `${PREFIX}:fanout:${requestId}:hosts`,
  /** Set (to the user id) when a fan-out was cancelled: its expander stops queueing host jobs. */
  fanOutStop: (requestId: string) => `${PREFIX}:fanout:${requestId}:stop`,
  /** Fan-outs accepted and not yet finished (sorted set, score: accepted at): the sweeper re-queues a lost one. */
  fanOutsActive: `${PREFIX}:fanouts:active`,
  /** An inventory snapshot the bot resolved requests against (JSON), by digest: workers expand fan-outs with it. */
  inventorySnapshot: (digest: string) => `${PREFIX}:inventory:${digest}`,
  /** Shared pacing toward Slack (every bot replica): one rate limit's state, by what it limits. */
  pace: (what: string) => `${PREFIX}:pace:${what}`,
  /** A lease: held by one bot replica at a time (its token), expires unless renewed. */
  lease: (name: string) => `${PREFIX}:lease:${name}`,
  /** Failovers of the Redis primary seen through Sentinel (sorted set, score: first seen at; member: window|name|from|to). */
  failovers: `${PREFIX}:failovers`,
} as const;
