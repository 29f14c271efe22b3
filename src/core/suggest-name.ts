/** The largest edit distance at which {@link suggestName} still suggests a name. */
export const SUGGEST_MAX_DISTANCE = 2;

/** The shortest word (or candidate, for the reverse direction) that counts as a prefix match. */
const MIN_PREFIX = 2;

/**
 * Damerau-Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and
 * transpositions of two neighbours each cost 1. `restrat` -> `restart` is 1.
 */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let before = new Array<number>(m + 1).fill(0);
  let previous = Array.from({ length: m + 1 }, (_, j) => j);
  let current = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    current[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, (before[j - 2] ?? 0) + 1);
      }
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[m] ?? 0;
}

/** How close `candidate` is to `word` (lower is closer), or undefined when it is not close enough to suggest. */
function closeness(word: string, candidate: string): number | undefined {
  if (Math.abs(word.length - candidate.length) <= SUGGEST_MAX_DISTANCE) {
    const d = editDistance(word, candidate);
    // `d < word.length`: a one- or two-letter word is not "close" to something it shares nothing with.
    if (d <= SUGGEST_MAX_DISTANCE && d < word.length) return d;
  }
  const prefix =
    (word.length >= MIN_PREFIX && candidate.startsWith(word)) || (candidate.length >= MIN_PREFIX && word.startsWith(candidate));
  // Prefix matches rank after every distance match; among them the nearest length wins.
  return prefix ? SUGGEST_MAX_DISTANCE + 1 + Math.abs(word.length - candidate.length) : undefined;
}

/**
 * The candidate closest to `word`, for "did you mean ...?" hints; undefined when nothing is close
 * (edit distance <= {@link SUGGEST_MAX_DISTANCE}, or one is a prefix of the other). Comparison ignores case;
 * ties go to the earliest candidate; a candidate equal to `word` is never suggested.
 */
export function suggestName(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  if (w.length === 0) return undefined;
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const c = name.toLowerCase();
    if (c === w || c.length === 0) continue;
    const score = closeness(w, c);
    if (score !== undefined && (best === undefined || score < best.score)) best = { name, score };
  }
  return best?.name;
}
