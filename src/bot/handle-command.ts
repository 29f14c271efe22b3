import type { ChatMessage, Command } from '../core/command';
import { parseCommand } from '../core/parse-command';
import { authorize } from '../core/policy';
import { listHosts, resolveTargets } from '../core/resolve-targets';
import { renderDenied, renderHelp, renderHosts, renderUsageError } from '../presentation';
import type { BotDeps } from './bot-deps';
import { answerHistory } from './answer-history';
import { cancelJobs } from './cancel-jobs';
import { queueVerb } from './queue-verb';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';
import { needsApproval } from '../core/approval-policy';
import { abortRollout } from './abort-rollout';
import { listJobs } from './list-jobs';
import { requestPlan } from './request-plan';
import type { CommandInput, CommandReply } from './command-io';

export type { CommandInput, CommandReply } from './command-io';

/** True for commands that change something (every verb but `status`, and `cancel`): they fail closed on audit. */
function mutates(command: Command): boolean {
  return (
    (command.kind === 'verb' && command.verb !== 'status') ||
    command.kind === 'cancel' ||
    command.kind === 'upgrade' ||
    command.kind === 'abort'
  );
}

/** The command as recorded (plain JSON, no functions). */
function commandFields(command: Command): { verb?: string; data: Record<string, unknown> } {
  if (command.kind === 'verb')
    return {
      verb: command.verb,
      data: { kind: 'verb', verb: command.verb, target: command.target, ...(command.options ? { options: command.options } : {}) },
    };
  if (command.kind === 'upgrade') return { verb: 'upgrade', data: { ...command } };
  return { data: { ...command } };
}

/**
 * Parses, authorizes, resolves targets and queues one job per host, recording every request, denial and failure in
 * the audit log first (a state-changing command is refused when it cannot be recorded). Never throws.
 */
export async function handleCommand(deps: BotDeps, input: CommandInput): Promise<CommandReply> {
  const requestId = deps.newId();
  const base = { actor: input.userId, channel: input.channelId, requestId, correlationId: requestId };
  const parsed = parseCommand(input.text);
  const fields = parsed.ok ? commandFields(parsed.command) : { data: {} };
  // Not awaited yet: the appender sends the records of this request in call order, so what follows (a denial, the
  // queued record) goes out in the same round trip, and the checks below are synchronous.
  const received = recordAudit(deps, {
    ...base,
    type: 'request.received',
    ...(fields.verb !== undefined ? { verb: fields.verb } : {}),
    data: {
      text: input.text.slice(0, 500),
      command: parsed.ok ? fields.data : null,
      ...(input.triggerId !== undefined ? { triggerId: input.triggerId } : {}),
    },
  });
  if (!parsed.ok) {
    await Promise.all([received, recordAudit(deps, { ...base, type: 'request.invalid', data: { reason: parsed.error } })]);
    return { ephemeral: renderUsageError(parsed.error) };
  }
  const decision = authorize({ userId: input.userId, channelId: input.channelId }, parsed.command, deps.config.slack);
  if (!decision.allowed) {
    deps.logger.info({ user: input.userId, channel: input.channelId, reason: decision.reason, requestId }, 'command denied');
    await Promise.all([
      received,
      recordAudit(deps, {
        ...base,
        type: 'request.denied',
        ...(fields.verb !== undefined ? { verb: fields.verb } : {}),
        data: { reason: decision.reason, command: fields.data },
      }),
    ]);
    return { ephemeral: renderDenied(decision.reason) };
  }
  const command = parsed.command;
  if (command.kind === 'verb' || command.kind === 'upgrade') {
    const resolved = resolveTargets(command.target, deps.config.hosts);
    if (!resolved.ok) {
      const verb = command.kind === 'upgrade' ? 'upgrade' : command.verb;
      const [recorded] = await Promise.all([
        received,
        recordAudit(deps, { ...base, type: 'request.invalid', verb, data: { reason: resolved.error, target: command.target } }),
      ]);
      if (!recorded && mutates(command)) return { ephemeral: { text: AUDIT_DOWN_TEXT } };
      return { ephemeral: renderUsageError(resolved.error) };
    }
    if (
      command.kind === 'verb' &&
      !needsApproval(
        command.verb,
        deps.config.hosts.filter((h) => resolved.hosts.includes(h.name)),
        deps.config.approvals,
      )
    ) {
      return queueVerb(deps, input, { requestId, base, command, hosts: resolved.hosts, received, mutating: mutates(command) });
    }
    if (command.kind === 'upgrade') {
      return requestPlan(
        deps,
        input,
        requestId,
        { verb: 'upgrade', target: command.target, hosts: resolved.hosts, version: command.version, upgradeOptions: command.options },
        received,
      );
    }
    return requestPlan(
      deps,
      input,
      requestId,
      { verb: command.verb, target: command.target, hosts: resolved.hosts, ...(command.options ? { verbOptions: command.options } : {}) },
      received,
    );
  }
  const recorded = await received;
  if (!recorded && mutates(command)) return { ephemeral: { text: AUDIT_DOWN_TEXT } };
  const degraded = recorded ? '' : '\n:warning: Audit degraded: this request could not be recorded.';
  if (command.kind === 'help') return withNote(renderHelp(decision.role), degraded);
  if (command.kind === 'hosts') return withNote(renderHosts(listHosts(deps.config.hosts, command.group)), degraded);
  if (command.kind === 'history') return answerHistory(deps, command);
  if (command.kind === 'cancel') return cancelJobs(deps, input, command);
  if (command.kind === 'jobs') return listJobs(deps);
  return abortRollout(deps, input, command).catch((err: unknown) => {
    deps.logger.error({ requestId, err: err instanceof Error ? err.message : String(err) }, 'abort failed');
    return {
      ephemeral: { text: ':warning: Could not reach the rollout state (Redis unreachable?); nothing was aborted. Try again in a moment.' },
    };
  });
}

function withNote(message: ChatMessage, note: string): CommandReply {
  return { ephemeral: note === '' ? message : { text: `${message.text}${note}` } };
}
