import fs from 'node:fs';
import path from 'node:path';

/**
 * Every markdown link of the project's documentation must lead somewhere: a file or directory of the repository,
 * a heading of the target (GitHub's anchors), or an outside web page. Nothing may point out of the repository
 * (`../` past the root, or the sibling `../shared` checkout a developer happens to have): a user cloning the
 * repository has neither.
 */
const root = path.join(__dirname, '..', '..', '..');

function markdownUnder(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return markdownUnder(rel);
    return e.name.endsWith('.md') ? [rel] : [];
  });
}

/** The documents checked: the front page, the benchmarks, docs/, and the READMEs the front page sends people to. */
export const DOCUMENTS = [
  'README.md',
  'BENCHMARKS.md',
  ...markdownUnder('docs'),
  'bench/NOTES.md',
  'test/support/README.md',
  'test/srs-sim/README.md',
  'test/integration/conformance/README.md',
].filter((f) => fs.existsSync(path.join(root, f)));

/** The text outside fenced code blocks and inline code spans (links there are examples, not links). */
export function proseOf(markdown: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const m = /^\s*(```+|~~~+)/.exec(line);
    if (m?.[1] !== undefined) {
      if (fence === undefined) fence = m[1][0];
      else if (m[1][0] === fence) fence = undefined;
      lines.push('');
      continue;
    }
    lines.push(fence === undefined ? line.replace(/(`+)[^`]*?\1/g, '') : '');
  }
  return lines.join('\n');
}

export interface Link {
  line: number;
  target: string;
}

/** Inline links and images `[text](target "title")`, autolinks `<http://…>`, and reference definitions `[label]: target`. */
export function linksOf(markdown: string): Link[] {
  const out: Link[] = [];
  proseOf(markdown)
    .split('\n')
    .forEach((text, i) => {
      for (const m of text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ line: i + 1, target: m[1] ?? '' });
      for (const m of text.matchAll(/<(https?:\/\/[^>\s]+)>/g)) out.push({ line: i + 1, target: m[1] ?? '' });
      const def = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(text);
      if (def?.[1] !== undefined) out.push({ line: i + 1, target: def[1] });
    });
  return out;
}

/** GitHub's anchor for a heading: the text as rendered, lowercased, punctuation dropped, spaces to dashes. */
export function slugOf(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link shows its text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/(^|\s)[*_]+|[*_]+(\s|$)/g, '$1$2') // emphasis markers around words
    .trim();
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a document offers: its headings (duplicates numbered as GitHub does) and explicit `id`/`name` anchors. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const f = /^\s*(```+|~~~+)/.exec(line);
    if (f?.[1] !== undefined) {
      if (fence === undefined) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1] ?? '');
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h?.[1] === undefined) continue;
    const base = slugOf(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** What is wrong with one link of `doc` (a path relative to the root), or undefined. */
export function problemOf(doc: string, target: string, read: (rel: string) => string | undefined = readRepo): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    if (/^(https?|mailto):/i.test(target)) return undefined;
    return `${target}: only http(s) and mailto links may leave the repository`;
  }
  if (/(^|\/)\.\.\/shared(\/|$)/.test(target) || /^\/?shared\/srs\//.test(target))
    return `${target}: points into ../shared, outside the repository`;
  const [rawPath = '', anchor] = target.split('#', 2);
  const filePart = decodeURIComponent(rawPath);
  let rel: string;
  if (filePart === '') rel = doc;
  else {
    if (filePart.startsWith('/')) return `${target}: an absolute path (use a path relative to ${doc})`;
    rel = path.posix.normalize(path.posix.join(path.posix.dirname(doc), filePart));
    if (rel === '..' || rel.startsWith('../')) return `${target}: leaves the repository`;
    if (!fs.existsSync(path.join(root, rel))) return `${target}: ${rel} does not exist`;
  }
  if (anchor === undefined || anchor === '') return undefined;
  if (!rel.endsWith('.md')) return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `${target}: an anchor into a file that is not markdown`;
  const text = read(rel);
  if (text === undefined) return `${target}: ${rel} cannot be read`;
  if (!anchorsOf(text).has(decodeURIComponent(anchor))) return `${target}: no heading #${anchor} in ${rel}`;
  return undefined;
}

function readRepo(rel: string): string | undefined {
  try {
    return fs.readFileSync(path.join(root, rel), 'utf8');
  } catch {
    return undefined;
  }
}

describe('documentation links', () => {
  it('checks the documents it should', () => {
    expect(DOCUMENTS).toEqual(expect.arrayContaining(['README.md', 'BENCHMARKS.md', 'test/support/README.md']));
    expect(DOCUMENTS.filter((d) => d.startsWith('docs/')).length).toBeGreaterThan(0);
  });

  it.each(DOCUMENTS)('%s: every link leads to a file, directory or heading of the repository, or a web page', (doc) => {
    const text = fs.readFileSync(path.join(root, doc), 'utf8');
    const problems = linksOf(text)
      .map((l) => ({ l, p: problemOf(doc, l.target) }))
      .filter((x) => x.p !== undefined)
      .map((x) => `${doc}:${x.l.line}: ${x.p ?? ''}`);
    expect(problems).toEqual([]);
  });
});

describe('the link checker itself', () => {
  it('finds links, images, autolinks and reference definitions, not code', () => {
    const md = [
      '[a](docs/x.md) ![i](img.png "t")',
      '`[not](a-link.md)`',
      '```',
      '[nor](this.md)',
      '```',
      '[ref]: ../shared/srs/CONTRACT.md',
      '<https://ossrs.io>',
    ].join('\n');
    expect(linksOf(md).map((l) => l.target)).toEqual(['docs/x.md', 'img.png', '../shared/srs/CONTRACT.md', 'https://ossrs.io']);
  });

  it('slugs headings as GitHub does', () => {
    expect(slugOf('Approvals and rolling upgrades')).toBe('approvals-and-rolling-upgrades');
    expect(slugOf('Real SRS, and the simulator')).toBe('real-srs-and-the-simulator');
    expect(slugOf('known_hosts rules')).toBe('known_hosts-rules');
    expect(slugOf('`upgrade.install`: the contract')).toBe('upgradeinstall-the-contract');
    expect(slugOf('A 2-minute tour')).toBe('a-2-minute-tour');
    expect([...anchorsOf('# A\n## A\n```\n# B\n```\n')]).toEqual(['a', 'a-1']);
  });

  it('refuses links out of the repository, missing files and missing anchors', () => {
    expect(problemOf('README.md', '../shared/srs/CONTRACT.md')).toMatch(/shared/);
    expect(problemOf('docs/x.md', '../../elsewhere.md')).toMatch(/leaves the repository/);
    expect(problemOf('README.md', 'docs/no-such-file.md')).toMatch(/does not exist/);
    expect(problemOf('README.md', 'README.md#no-such-heading', () => '# Title\n')).toMatch(/no heading/);
    expect(problemOf('README.md', '#title', () => '# Title\n')).toBeUndefined();
    expect(problemOf('README.md', 'https://ossrs.io')).toBeUndefined();
    expect(problemOf('README.md', 'file:///etc/passwd')).toMatch(/only http/);
  });
});
