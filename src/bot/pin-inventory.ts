import { fixedInventory } from '../core/inventory/inventory-holder';
import { withInventory } from '../core/inventory/inventory-snapshot';
import type { BotDeps } from './bot-deps';
import type { JobInventory } from '../core/jobs/host-jobs';

/**
 * The deps one request runs with: the inventory in use when it arrived, held to its end (a reload meanwhile changes
 * the next request, not this one), and `config` showing that inventory's hosts, bastions and groups.
 */
export function pinInventory<D extends BotDeps>(deps: D): D {
  const snapshot = deps.inventory.current();
  return { ...deps, config: withInventory(deps.config, snapshot), inventory: fixedInventory(snapshot, deps.inventory.lastFailure()) };
}

/**
 * What the jobs of a request carry of their hosts: the request's inventory, the login user of hosts that set none, and
 * the policy's group limits of hosts changing at once.
 */
export function jobInventory(deps: Pick<BotDeps, 'inventory' | 'config'>): JobInventory {
  return { snapshot: deps.inventory.current(), ssh: { user: deps.config.ssh.user }, rolling: deps.config.rolling };
}
