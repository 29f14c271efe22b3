import { describeTimeBound } from '../core/audit/time-bound';
import { queryHistory, toHistoryLookup } from '../core/audit/query-history';
import type { Command } from '../core/command';
import { renderHistory } from '../presentation';
import { resolveTargets } from '../core/resolve-targets';
import type { BotDeps } from './bot-deps';
import type { CommandContext } from './command-context';
import type { CommandReply } from './command-io';

/**
 * `/srs history [target] [--verb] [--user] [--since] [--limit]`: the audit log's answer, newest first (ephemeral). A
 * target or filter that does not resolve is refused through the pipeline (`invalid`), which records it.
 */
export async function answerHistory(
  deps: BotDeps,
  command: Extract<Command, { kind: 'history' }>,
  invalid: CommandContext['invalid'],
): Promise<CommandReply> {
  let hosts: string[] | undefined;
  if (command.target !== undefined && command.target !== 'all') {
    const resolved = resolveTargets(command.target, deps.inventory.current().hosts);
    if (!resolved.ok) return invalid(resolved.error, { target: command.target });
    hosts = resolved.hosts;
  }
  const lookup = toHistoryLookup(command.filters, hosts, deps.now());
  if (!lookup.ok) return invalid(lookup.error);
  try {
    const rows = await queryHistory(deps.audit, lookup.lookup);
    const f = command.filters;
    return {
      ephemeral: renderHistory(rows, {
        ...(command.target !== undefined ? { target: command.target } : {}),
        ...(f.verb !== undefined ? { verb: f.verb } : {}),
        ...(lookup.lookup.user !== undefined ? { user: lookup.lookup.user } : {}),
        ...(f.since !== undefined ? { since: describeTimeBound(f.since) } : {}),
        limit: f.limit,
      }),
    };
  } catch (err) {
    deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'history lookup failed');
    return { ephemeral: { text: ':warning: The audit log cannot be read right now (Redis unreachable?); try again in a minute.' } };
  }
}
