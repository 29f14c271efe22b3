import type { Command } from '../core/command';
import { authorizeRow, type AccessState } from '../core/commands/authorize-row';
import { commandRow, type CommandName, type CommandRow } from '../core/commands/command-table';
import { parseCommand } from '../core/parse-command';
import { commandName, roleOf } from '../core/policy';
import { resolveInSnapshot } from '../core/inventory/resolve-in-snapshot';
import { renderDenied, renderUsageError } from '../presentation';
import type { BotDeps } from './bot-deps';
import type { CommandContext } from './command-context';
import { handlerOf } from './command-handlers';
import type { CommandInput, CommandReply } from './command-io';
import { recordRefusal } from './pipeline/record-refusal';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';

export type { CommandInput, CommandReply } from './command-io';

/** The command as recorded (plain JSON, no functions). */
function commandFields(command: Command): { verb?: string; data: Record<string, unknown> } {
  if (command.kind === 'verb')
    return {
      verb: command.verb,
      data: {
        kind: 'verb',
        verb: command.verb,
        target: command.target,
        ...(command.options ? { options: command.options } : {}),
        ...(command.rollout ? { rollout: command.rollout } : {}),
      },
    };
  if (command.kind === 'upgrade') return { verb: 'upgrade', data: { ...command } };
  return { data: { ...command } };
}

/** The target expression of a command whose row resolves targets (a verb, an upgrade). */
function targetOf(command: Command): string | undefined {
  return command.kind === 'verb' || command.kind === 'upgrade' ? command.target : undefined;
}

/** One request on its way through the pipeline: who, where, its id, and its pending `request.received`. */
interface Request {
  deps: BotDeps;
  input: CommandInput;
  requestId: string;
  base: CommandContext['base'];
  received: Promise<boolean>;
}

/** Parse: the command, or its refusal recorded (`request.invalid`). */
function receive(deps: BotDeps, input: CommandInput): { request: Request; parsed: ReturnType<typeof parseCommand> } {
  const requestId = deps.newId();
  const base = { actor: input.userId, channel: input.channelId, requestId, correlationId: requestId };
  const parsed = parseCommand(input.text);
  const fields = parsed.ok ? commandFields(parsed.command) : { data: {} };
  // Not awaited yet: the appender sends the records of this request in call order, so what follows (a refusal, the
  // queued record) goes out in the same round trip, and the checks that follow are synchronous.
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
  return { request: { deps, input, requestId, base, received }, parsed };
}

/** Records that the command was not allowed (`request.denied`) and answers with the reason. */
async function deny(r: Request, command: Command, reason: string, text = renderDenied(reason).text): Promise<CommandReply> {
  const fields = commandFields(command);
  const verb = fields.verb !== undefined ? { verb: fields.verb } : {};
  await recordRefusal(r.deps, { ...r.base, type: 'request.denied', ...verb, data: { reason, command: fields.data } }, r.received);
  return { ephemeral: { text } };
}

/** The context the handler gets: the row's later authorization (once it knows the request) goes through the pipeline. */
function contextOf(r: Request, command: Command, row: CommandRow<CommandName>, role: CommandContext['role'], hosts: string[]) {
  const actor = { userId: r.input.userId, channelId: r.input.channelId, role };
  const ctx: CommandContext = {
    ...r,
    command,
    row,
    role,
    hosts,
    authorize: async (state: AccessState) => {
      const verdict = authorizeRow(actor, row, state);
      return verdict.allowed ? undefined : deny(r, command, verdict.reason, verdict.text);
    },
    invalid: async (reason, data = {}) => {
      await recordRefusal(
        r.deps,
        { ...r.base, type: 'request.invalid', data: { ...data, reason, command: commandFields(command).data } },
        r.received,
      );
      return { ephemeral: renderUsageError(reason) };
    },
  };
  return ctx;
}

/**
 * The pipeline of every command: parse → authorize → resolve targets → audit → handle. Every request is recorded
 * first (`request.received`), every refusal after it (`request.invalid`, `request.denied`), and a state-changing
 * command is refused when it cannot be recorded. The handler is the one its table row is bound to. Never throws.
 */
export async function handleCommand(deps: BotDeps, input: CommandInput): Promise<CommandReply> {
  const { request: r, parsed } = receive(deps, input);
  if (!parsed.ok) {
    await recordRefusal(deps, { ...r.base, type: 'request.invalid', data: { reason: parsed.error } }, r.received);
    return { ephemeral: renderUsageError(parsed.error) };
  }
  const { command } = parsed;
  const row = commandRow(commandName(command));
  const role = roleOf(input.userId, deps.config.slack);
  const verdict = authorizeRow({ ...input, role }, row, { allowedChannels: deps.config.slack.allowedChannels });
  if (!verdict.allowed || role === undefined) return deny(r, command, verdict.allowed ? 'no role' : verdict.reason);
  const target = targetOf(command);
  let hosts: string[] = [];
  if (row.resolvesTargets && target !== undefined) {
    const resolved = resolveInSnapshot(deps.inventory.current(), target);
    if (!resolved.ok) {
      const verb = commandFields(command).verb;
      const event = { ...r.base, type: 'request.invalid' as const, ...(verb !== undefined ? { verb } : {}) };
      const recorded = await recordRefusal(deps, { ...event, data: { reason: resolved.error, target } }, r.received);
      return { ephemeral: !recorded && row.changesState ? { text: AUDIT_DOWN_TEXT } : renderUsageError(resolved.error) };
    }
    hosts = resolved.hosts;
  } else if (!(await r.received) && row.changesState) {
    return { ephemeral: { text: AUDIT_DOWN_TEXT } };
  }
  return handlerOf(row.name)(contextOf(r, command, row, role, hosts));
}
