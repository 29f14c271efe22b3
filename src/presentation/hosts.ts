import type { ChatMessage } from '../core/command';
import type { HostListing, HostRow } from '../core/list-hosts';
import { section, SECTION_TEXT_MAX } from './blocks';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { plural } from '../core/text/plural';
import { inventoryLines, type InventoryAbout } from './inventory-about';

/** What {@link renderHosts} shows: the rows of `listHosts`, and the group they were filtered by. */
export interface HostTable {
  group?: string;
  rows: readonly HostRow[];
}

/** Room for the table's heading and the `+N more` line, inside a section block. */
const TABLE_MAX = SECTION_TEXT_MAX - 300;

/** `10.0.0.3:22`, `[fd00::3]:22` */
function endpoint(r: HostRow): string {
  return r.address.includes(':') ? `[${r.address}]:${r.port}` : `${r.address}:${r.port}`;
}

/** Pads every cell of each column to the column's width. */
function align(cells: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of cells) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return cells.map((row) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * `/srs hosts`: a table (in a code block) of name, address:port, groups and service manager. Rows that do not
 * fit in one section block are counted in a `+N more` line. Takes `listHosts`'s answer as it is: its error
 * (an unknown group) becomes a warning line. With `about`, the table is followed by where the inventory came from, when
 * it was loaded, its digest, and the last reload when it was refused.
 */
export function renderHosts(list: HostTable | HostListing, about?: InventoryAbout): ChatMessage {
  if ('ok' in list && !list.ok) return { text: `:warning: ${list.error}` };
  const table = renderTable(list);
  if (about === undefined) return table;
  const more = inventoryLines(about).join('\n');
  return { text: `${table.text}\n${more}`, blocks: [...(table.blocks ?? [section(table.text)]), section(more)] };
}

function renderTable(list: HostTable | HostListing): ChatMessage {
  if (!('rows' in list)) return { text: 'no hosts' };
  const scope = list.group === undefined ? '' : ` in group ${escapeSlackText(list.group)}`;
  const n = list.rows.length;
  if (n === 0) return { text: `no hosts${scope}` };
  const cells = [
    ['NAME', 'ADDRESS', 'GROUPS', 'SERVICE'],
    ...list.rows.map((r) => [r.name, endpoint(r), r.groups.length === 0 ? '-' : r.groups.join(','), r.serviceManager].map(escapeSlackText)),
  ];
  const lines = align(cells);
  const shown: string[] = [];
  let size = 0;
  for (const l of lines) {
    if (size + l.length + 1 > TABLE_MAX) break;
    shown.push(l);
    size += l.length + 1;
  }
  const hidden = lines.length - shown.length;
  const more = hidden === 0 ? '' : `\n+${hidden} more; \`/srs hosts &lt;group&gt;\` shows one group`;
  const text = `*${plural(n, 'host')}*${scope}\n\`\`\`\n${shown.join('\n')}\n\`\`\`${more}`;
  return { text, blocks: [section(text)] };
}
