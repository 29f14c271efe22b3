import type { InventoryFailure, InventorySnapshot } from '../core/inventory/inventory-snapshot';

/** The inventory the bot resolves hosts against: read at call time, never cached by a caller past its request. */
export interface InventoryPort {
  /** The snapshot in use now (a later reload replaces it; this one stays as it is). */
  current(): InventorySnapshot;
  /** The last reload that was refused, until one succeeds. */
  lastFailure(): InventoryFailure | undefined;
}
