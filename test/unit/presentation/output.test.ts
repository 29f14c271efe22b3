import { boundedOutput } from '../../../src/core/render-output';
import type { OutputVerdict } from '../../../src/core/output-check';
import type { StoredOutput } from '../../../src/ports/output-store-port';
import { describeRetention, OUTPUT_INLINE_MAX_CHARS, renderOutput } from '../../../src/presentation/output';
import { SECTION_TEXT_MAX, slackToPlainText } from '../../../src/presentation';

const JOB = 'r-mx51t6mp-b199cb-edge-1';
function stored(stdout: string): StoredOutput {
  const r = boundedOutput([{ command: 'sh -c <srs-initd> /usr/local/srs restart', stdout, stderr: 'warn <b> & co', exitCode: 0 }], 1 << 20);
  return { v: 1, jobId: JOB, requestId: 'r-mx51t6mp-b199cb', host: 'edge-1', verb: 'restart', ...r, savedAt: 0, expiresAt: 1000 };
}
const matches = (s: StoredOutput): OutputVerdict => ({
  kind: 'matches',
  sha256: s.sha256,
  record: { seq: 7, at: 'now', type: 'job.result' },
});

/** The raw text back from the reply's code blocks. */
function codeOf(text: string): string {
  return [...text.matchAll(/```\n([\s\S]*?)\n```/g)].map((m) => slackToPlainText(m[1] ?? '')).join('\n');
}

describe('renderOutput', () => {
  it('shows a short output whole, escaped, in code blocks within Slack limits', () => {
    const s = stored(Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n'));
    const m = renderOutput({ stored: s, verdict: matches(s) });
    expect(s.text.length).toBeLessThanOrEqual(OUTPUT_INLINE_MAX_CHARS);
    expect(m.blocks?.length).toBeLessThanOrEqual(50);
    for (const b of (m.blocks ?? []) as Array<{ text: { text: string } }>) expect(b.text.text.length).toBeLessThanOrEqual(SECTION_TEXT_MAX);
    expect(m.text).toContain('warn &lt;b&gt; &amp; co');
    expect(codeOf(m.text)).toBe(s.text.replace(/\n$/, ''));
    expect(m.text).toContain(`sha256 \`${s.sha256}\` matches the audit record (#7`);
  });

  it('shows head and tail of a long output, and the link', () => {
    const s = stored('x'.repeat(50_000));
    const m = renderOutput({ stored: s, verdict: matches(s), link: `https://ops.example.com/output/${JOB}` });
    expect(m.text).toMatch(/characters not shown here/);
    expect(m.text).toContain(`<https://ops.example.com/output/${JOB}|`);
    expect(m.text.length).toBeLessThan(12_000);
    const noLink = renderOutput({ stored: s, verdict: matches(s) });
    expect(noLink.text).toMatch(/set `OPS_PUBLIC_URL`/);
  });

  it('says the retention in words', () => {
    expect(describeRetention(30 * 86_400_000)).toBe('30 days');
    expect(describeRetention(3_600_000 * 5)).toBe('5 hours');
    expect(describeRetention(60_000)).toBe('1 minute');
  });
});
