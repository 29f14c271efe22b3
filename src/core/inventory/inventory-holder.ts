import type { InventoryPort } from '../../ports/inventory-port';
import type { InventoryFailure, InventorySnapshot } from './inventory-snapshot';

/**
 * The live inventory: one snapshot at a time, replaced whole (a reader holds on to the one it got, whatever happens
 * after), and the last refused reload until one succeeds.
 */
export class InventoryHolder implements InventoryPort {
  private snap: InventorySnapshot;
  private failure: InventoryFailure | undefined;

  constructor(initial: InventorySnapshot) {
    this.snap = initial;
  }

  current(): InventorySnapshot {
    return this.snap;
  }

  lastFailure(): InventoryFailure | undefined {
    return this.failure;
  }

  /** Puts `next` in use and forgets the last failure; returns the snapshot it replaced. */
  swap(next: InventorySnapshot): InventorySnapshot {
    const previous = this.snap;
    this.snap = next;
    this.failure = undefined;
    return previous;
  }

  /** Forgets the last failure (a reload read the files again and found them valid and unchanged). */
  clearFailure(): void {
    this.failure = undefined;
  }

  /** Records a refused reload; the snapshot in use stays. */
  fail(failure: InventoryFailure): void {
    this.failure = failure;
  }
}

/** A port that always answers the same snapshot: what one request holds from start to end. */
export function fixedInventory(snap: InventorySnapshot, failure?: InventoryFailure): InventoryPort {
  return { current: () => snap, lastFailure: () => failure };
}
