import { describeSource, type InventorySource } from '../../config/inventory/inventory-source';
import type { Config } from '../../config/schema';
import { diffInventory } from '../core/inventory/inventory-diff';
import type { InventoryHolder } from '../core/inventory/inventory-holder';
import { inventorySnapshot, shortDigest } from '../core/inventory/inventory-snapshot';
import { restartSections } from '../core/inventory/restart-sections';
import type { AuditPort } from '../ports/audit-port';
import type { Logger } from '../ports/logger-port';
import { recordAudit } from './record-audit';

/** What a reload needs: the live inventory, the config the process runs with, the audit log, who reloads. */
export interface ReloadDeps {
  holder: InventoryHolder;
  /** The config the process started with: its sections other than the inventory are not reloaded. */
  running: Config;
  audit: AuditPort;
  logger: Logger;
  /** The audit actor: `bot:<id>`. */
  actor: string;
  now: () => number;
  /** The restart-needing sections last recorded (so one change is recorded once, not at every reload). */
  restartNoted?: string;
}

/** What the loader gave: the config and its inventory's source, or why it refused the files. */
export type LoadOutcome = { ok: true; config: Config; source: InventorySource } | { ok: false; error: string };

export type ReloadResult = 'changed' | 'unchanged' | 'failed';

/** Lines of a loader error kept in the audit record and in `/srs hosts`. */
const REASON_LINES = 6;

/** The first lines of an error message (the loader lists every problem, one a line). */
export function reasonOf(error: string): string {
  const lines = error.split('\n');
  return lines.length <= REASON_LINES
    ? error
    : `${lines.slice(0, REASON_LINES).join('\n')}\n  (+${lines.length - REASON_LINES} more lines)`;
}

/**
 * Applies a reload: a refused load keeps the inventory in use (`inventory.reload_failed`); a new inventory replaces it
 * (`inventory.changed`, with the hosts added, removed and changed); an unchanged one records nothing. A change to any
 * other section is not applied, and recorded once as needing a restart (`config.restart_needed`).
 */
export async function reloadInventory(deps: ReloadDeps, outcome: LoadOutcome, trigger: string): Promise<ReloadResult> {
  if (!outcome.ok) return refuse(deps, outcome.error, trigger);
  await noteRestartSections(deps, outcome.config, trigger);
  const before = deps.holder.current();
  const next = inventorySnapshot(outcome.config, outcome.source, deps.now());
  const sameSource = describeSource(before.source) === describeSource(next.source);
  if (next.digest === before.digest && sameSource) {
    deps.holder.clearFailure();
    deps.logger.debug({ trigger, digest: shortDigest(next.digest) }, 'inventory reloaded: unchanged');
    return 'unchanged';
  }
  deps.holder.swap(next);
  const diff = diffInventory(before, next);
  const data = {
    trigger,
    source: describeSource(next.source),
    ...(sameSource ? {} : { previousSource: describeSource(before.source) }),
    ...diff,
    hosts: next.hosts.length,
    oldDigest: before.digest,
    newDigest: next.digest,
  };
  deps.logger.info({ ...data, oldDigest: shortDigest(before.digest), newDigest: shortDigest(next.digest) }, 'inventory reloaded: changed');
  await recordAudit(deps, { type: 'inventory.changed', actor: deps.actor, data });
  return 'changed';
}

async function refuse(deps: ReloadDeps, error: string, trigger: string): Promise<ReloadResult> {
  const reason = reasonOf(error);
  deps.holder.fail({ at: deps.now(), reason });
  const kept = deps.holder.current();
  deps.logger.error({ trigger, reason, kept: shortDigest(kept.digest) }, 'inventory reload refused; the inventory in use stays');
  await recordAudit(deps, {
    type: 'inventory.reload_failed',
    actor: deps.actor,
    data: { trigger, reason, source: describeSource(kept.source), keptDigest: kept.digest },
  });
  return 'failed';
}

/** Logs and records (once per distinct set) the sections that changed but only apply at the next start. */
async function noteRestartSections(deps: ReloadDeps, config: Config, trigger: string): Promise<void> {
  const sections = restartSections(deps.running, config);
  const key = sections.join(',');
  if (key === (deps.restartNoted ?? '')) return;
  deps.restartNoted = key;
  if (sections.length === 0) return;
  deps.logger.warn({ trigger, sections }, 'config sections changed that apply only after a restart; not applied');
  await recordAudit(deps, { type: 'config.restart_needed', actor: deps.actor, data: { trigger, sections } });
}
