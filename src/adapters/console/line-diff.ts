/** What an edit changed, line by line. */
export interface LineDiff {
  /** Indexes (in the new lines) of lines that are new or changed, in order. */
  changed: number[];
  /** How many old lines are gone (changed ones included). */
  removed: number;
}

/** Above this many line pairs, lines are compared by position instead (a longest common subsequence costs n·m). */
const MAX_PAIRS = 250_000;

/**
 * The lines of `after` that are not in `before`, by a longest common subsequence: a line inserted in the middle is one
 * change, not every line below it.
 */
export function diffLines(before: readonly string[], after: readonly string[]): LineDiff {
  const n = before.length;
  const m = after.length;
  if (n * m > MAX_PAIRS) {
    const changed = after.flatMap((line, i) => (before[i] === line ? [] : [i]));
    return { changed, removed: Math.max(0, n - m) + changed.filter((i) => i < n).length };
  }
  // lcs[i][j]: the longest common subsequence of before[i..] and after[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const at = (i: number, j: number): number => lcs[i]?.[j] ?? 0;
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] ?? [];
    for (let j = m - 1; j >= 0; j--) row[j] = before[i] === after[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  }
  const changed: number[] = [];
  let i = 0;
  let j = 0;
  let kept = 0;
  while (j < m) {
    if (i < n && before[i] === after[j]) {
      i++;
      j++;
      kept++;
    } else if (i < n && at(i + 1, j) >= at(i, j + 1)) i++;
    else changed.push(j++);
  }
  return { changed, removed: n - kept };
}
