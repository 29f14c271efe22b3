/** How a known_hosts host field relates to one host name (OpenSSH's `match_hostname`). */
export type PatternMatch = 'match' | 'negated' | 'none';

/**
 * OpenSSH's `match_pattern`: `*` matches any run of characters (none included), `?` exactly one; everything else,
 * `[` and `]` included, is literal. Case is the caller's business.
 */
export function matchPattern(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = p++;
      starT = t;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * OpenSSH's `match_hostname` on a comma-separated pattern list, case-insensitively: `negated` as soon as a `!pattern`
 * matches (the line then does not apply, whatever the other patterns say), `match` when a plain pattern matches.
 */
export function matchHostPatterns(name: string, patterns: string): PatternMatch {
  const host = name.toLowerCase();
  let positive = false;
  for (const raw of patterns.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!matchPattern(host, pattern)) continue;
    if (negated) return 'negated';
    positive = true;
  }
  return positive ? 'match' : 'none';
}
