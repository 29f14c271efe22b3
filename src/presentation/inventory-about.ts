import { describeSource } from '../../config/inventory/inventory-source';
import { formatDuration } from '../core/describe-snapshot';
import type { InventoryFailure, InventorySnapshot } from '../core/inventory/inventory-snapshot';
import { shortDigest } from '../core/inventory/inventory-snapshot';
import { escapeSlackText } from '../core/text/escape-slack-text';

/** What `/srs hosts` says of the inventory it lists: where it came from, when, its digest, the last refused reload. */
export interface InventoryAbout {
  snapshot: Pick<InventorySnapshot, 'source' | 'loadedAt' | 'digest'>;
  failure?: InventoryFailure;
  /** Epoch ms now (for "… ago"). */
  now: number;
}

/** `2026-12-07 10:15:03 UTC (4m ago)` */
export function whenText(at: number, now: number): string {
  const utc = `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return `${utc} (${formatDuration(Math.max(0, now - at) / 1000)} ago)`;
}

/** The lines under the hosts table: the source, the load time and digest, and a refused reload if the last one was. */
export function inventoryLines(about: InventoryAbout): string[] {
  const { snapshot: s, failure } = about;
  const lines = [
    `Inventory: ${escapeSlackText(describeSource(s.source))}`,
    `Loaded ${whenText(s.loadedAt, about.now)}, digest \`${shortDigest(s.digest)}\``,
  ];
  if (failure !== undefined) {
    const first = failure.reason.split('\n').slice(0, 4).map(escapeSlackText).join('\n');
    lines.push(
      `:warning: The last reload failed ${whenText(failure.at, about.now)}; the inventory above is still in use. Why:\n\`\`\`\n${first}\n\`\`\``,
    );
  }
  return lines;
}
