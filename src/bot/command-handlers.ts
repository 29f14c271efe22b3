import type { ChatMessage, Command } from '../core/command';
import type { CommandName } from '../core/commands/command-table';
import { mayNeedApproval, needsApproval } from '../core/approval-policy';
import { listHosts } from '../core/resolve-targets';
import type { ServiceVerb } from '../core/verbs';
import { renderHelp, renderHosts } from '../presentation';
import { abortRollout } from './abort-rollout';
import { answerHistory } from './answer-history';
import { answerOutput } from './answer-output';
import { cancelJobs } from './cancel-jobs';
import type { CommandContext, CommandHandler } from './command-context';
import type { CommandReply } from './command-io';
import { listJobs } from './list-jobs';
import { queueVerb } from './queue-verb';
import { requestPlan } from './request-plan';

/** The command a row's parser produces. */
type CommandOf<N extends CommandName> = N extends ServiceVerb ? Extract<Command, { kind: 'verb' }> : Extract<Command, { kind: N }>;

/** What the `request.received` record's fate adds to a read-only answer. */
async function withAuditNote(ctx: CommandContext, message: ChatMessage): Promise<CommandReply> {
  if (await ctx.received) return { ephemeral: message };
  return { ephemeral: { text: `${message.text}\n:warning: Audit degraded: this request could not be recorded.` } };
}

/** The inventory entries of `hosts`. */
function hostsOf(deps: CommandContext['deps'], hosts: readonly string[]) {
  const wanted = new Set(hosts);
  return deps.inventory.current().hosts.filter((h) => wanted.has(h.name));
}

/**
 * A service verb on its resolved hosts. Queued at once: a read-only verb, or a state-changing one on one host. Planned
 * first (the hosts surveyed): a state-changing verb on several hosts (it rolls in batches, after a blast-radius check),
 * a dry run, or a verb the policy gates (another person approves the plan).
 */
const runVerb: CommandHandler<Extract<Command, { kind: 'verb' }>> = (ctx) => {
  const { deps, input, command, hosts, requestId } = ctx;
  // Only a verb some gate names looks at its hosts: `status all` on a thousand hosts does no per-host work here.
  const gated =
    mayNeedApproval(command.verb, deps.config.approvals) && needsApproval(command.verb, hostsOf(deps, hosts), deps.config.approvals);
  const dryRun = command.rollout?.dryRun === true;
  if (!gated && !dryRun && (!ctx.row.changesState || hosts.length <= 1))
    return queueVerb(deps, input, { requestId, base: ctx.base, command, hosts, received: ctx.received, mutating: ctx.row.changesState });
  return requestPlan(
    deps,
    input,
    requestId,
    {
      verb: command.verb,
      target: command.target,
      hosts,
      ...(command.options ? { verbOptions: command.options } : {}),
      ...(command.rollout ? { rolloutFlags: command.rollout } : {}),
      mode: dryRun ? 'dry-run' : gated ? 'approval' : 'rolling',
    },
    ctx.received,
  );
};

const upgrade: CommandHandler<Extract<Command, { kind: 'upgrade' }>> = ({ deps, input, requestId, command, hosts, received }) =>
  requestPlan(
    deps,
    input,
    requestId,
    {
      verb: 'upgrade',
      target: command.target,
      hosts,
      version: command.version,
      upgradeOptions: command.options,
      mode: command.options.dryRun === true ? 'dry-run' : 'approval',
    },
    received,
  );

const abort: CommandHandler<Extract<Command, { kind: 'abort' }>> = (ctx) =>
  abortRollout(ctx).catch((err: unknown) => {
    ctx.deps.logger.error({ requestId: ctx.requestId, err: err instanceof Error ? err.message : String(err) }, 'abort failed');
    return {
      ephemeral: { text: ':warning: Could not reach the rollout state (Redis unreachable?); nothing was aborted. Try again in a moment.' },
    };
  });

/** Each command's handler, bound to its table row by name: a missing or extra one is a type error. */
const HANDLERS: { readonly [N in CommandName]: CommandHandler<CommandOf<N>> } = {
  help: (ctx) => withAuditNote(ctx, renderHelp(ctx.role)),
  hosts: (ctx) => {
    const { inventory, now } = ctx.deps;
    const snapshot = inventory.current();
    const failure = inventory.lastFailure();
    const about = { snapshot, now: now(), ...(failure !== undefined ? { failure } : {}) };
    return withAuditNote(ctx, renderHosts(listHosts(snapshot.hosts, ctx.command.group), about));
  },
  status: runVerb,
  start: runVerb,
  stop: runVerb,
  restart: runVerb,
  reload: runVerb,
  rotate: runVerb,
  grace: runVerb,
  upgrade,
  history: (ctx) => answerHistory(ctx.deps, ctx.command, ctx.invalid),
  jobs: (ctx) => listJobs(ctx.deps),
  output: (ctx) => answerOutput(ctx.deps, ctx.command),
  cancel: cancelJobs,
  abort,
};

/**
 * The handler bound to a command's row. The pipeline calls it with the command the row's parser produced, so the
 * command's kind is the row's (the cast says what the table guarantees).
 */
export function handlerOf(name: CommandName): CommandHandler {
  return HANDLERS[name] as CommandHandler;
}

/** True when every command of the table has a handler (a test reads it). */
export function hasHandler(name: string): boolean {
  return Object.hasOwn(HANDLERS, name);
}
