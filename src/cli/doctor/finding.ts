/** One doctor check: what was checked, whether it passed, and the exact fix when it did not. */
export interface Finding {
  host: string;
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** A failed check that does not block operation (shown as WARN, exit code unaffected). */
  warnOnly?: boolean;
}

/** Formats findings as a fixed-width table. */
export function formatFindings(findings: readonly Finding[]): string {
  const rows = findings.map((f) => [f.host, f.check, f.ok ? 'ok' : f.warnOnly ? 'WARN' : 'PROBLEM', f.detail, f.fix ?? '']);
  const header = ['HOST', 'CHECK', 'STATUS', 'DETAIL', 'FIX'];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
