import type { Command, Role } from '../core/command';
import type { AccessState } from '../core/commands/authorize-row';
import type { CommandName, CommandRow } from '../core/commands/command-table';
import type { AuditEventInput } from '../ports/audit-port';
import type { BotDeps } from './bot-deps';
import type { CommandInput, CommandReply } from './command-io';

/** What the pipeline hands a command's handler once the command parsed, is allowed and was put on record. */
export interface CommandContext<C extends Command = Command> {
  deps: BotDeps;
  input: CommandInput;
  command: C;
  row: CommandRow<CommandName>;
  role: Role;
  requestId: string;
  /** Who, where and which request, for the handler's own audit records. */
  base: Pick<AuditEventInput, 'actor' | 'channel' | 'requestId' | 'correlationId'>;
  /**
   * The pending `request.received` append (true once stored). Rows that resolve targets get it still pending (their
   * handler appends the next record in the same round trip); for the others it has settled and was stored, or the
   * command changes nothing.
   */
  received: Promise<boolean>;
  /** The hosts the target resolved to (rows that resolve targets), in inventory order. */
  hosts: string[];
  /**
   * Judges the row once the handler knows what it acts on (the request and who asked for it). A refusal is recorded
   * by the pipeline; the reply to give is returned. Undefined: allowed.
   */
  authorize: (state: AccessState) => Promise<CommandReply | undefined>;
  /**
   * Refuses what the handler found wrong in the command once it read it further (a `history` target or filter that
   * does not resolve): recorded by the pipeline (`request.invalid`, with `data`), answered with the usage error.
   */
  invalid: (reason: string, data?: Record<string, unknown>) => Promise<CommandReply>;
}

/** A command's handler: what the table's row does once the pipeline let it through. */
export type CommandHandler<C extends Command = Command> = (ctx: CommandContext<C>) => Promise<CommandReply>;
