import { createHash } from 'node:crypto';
import { boundedOutput, outputSha256, renderTranscript } from '../../../src/core/render-output';
import type { TranscriptEntry } from '../../../src/ports/output-store-port';

const entry = (over: Partial<TranscriptEntry> = {}): TranscriptEntry => ({
  command: 'sh -c <srs-initd> /usr/local/srs restart',
  stdout: 'Stopping SRS(pid 123)...\x1b[60G[  OK  ]\n',
  stderr: '',
  exitCode: 0,
  ...over,
});

describe('renderTranscript', () => {
  it('delimits each step: command, stdout, stderr, exit code', () => {
    const text = renderTranscript([entry(), entry({ command: 'kill', stdout: '', stderr: 'no such process', exitCode: null })]);
    expect(text).toBe(
      [
        '===== step 1/2 =====',
        '$ sh -c <srs-initd> /usr/local/srs restart',
        '----- stdout -----',
        'Stopping SRS(pid 123)...[  OK  ]',
        '----- stderr -----',
        '(empty)',
        '----- exit 0 -----',
        '',
        '===== step 2/2 =====',
        '$ kill',
        '----- stdout -----',
        '(empty)',
        '----- stderr -----',
        'no such process',
        '----- exit none (killed, timed out or connection lost) -----',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing was sent', () => {
    expect(renderTranscript([])).toMatch(/no state-changing command/);
  });
});

describe('boundedOutput', () => {
  it('keeps a small output whole, with the SHA-256 of its UTF-8 bytes', () => {
    const out = boundedOutput([entry({ stdout: 'héllo ✓' })], 4096);
    expect(out.truncated).toBe(false);
    expect(out.bytes).toBe(Buffer.byteLength(out.text));
    expect(out.fullBytes).toBe(out.bytes);
    expect(out.sha256).toBe(createHash('sha256').update(Buffer.from(out.text, 'utf8')).digest('hex'));
    expect(outputSha256(out.text)).toBe(out.sha256);
  });

  it('keeps head and tail within the bound and says how many bytes were dropped', () => {
    const big = Array.from({ length: 2000 }, (_, i) => `line ${i} ✓`).join('\n');
    const full = renderTranscript([entry({ stdout: big })]);
    const out = boundedOutput([entry({ stdout: big })], 2048);
    expect(out.truncated).toBe(true);
    expect(out.bytes).toBeLessThanOrEqual(2048);
    expect(out.bytes).toBe(Buffer.byteLength(out.text));
    expect(out.fullBytes).toBe(Buffer.byteLength(full));
    expect(out.text.startsWith('===== step 1/1 =====\n$ sh -c <srs-initd>')).toBe(true);
    expect(out.text.endsWith('line 1999 ✓\n----- stderr -----\n(empty)\n----- exit 0 -----\n')).toBe(true);
    const dropped = Number(/\[\.\.\. (\d+) bytes cut here/.exec(out.text)?.[1]);
    const [head, tail] = out.text.split(/\n\[\.\.\. \d+ bytes cut here[^\n]*\n/);
    expect(Buffer.byteLength(head ?? '') + dropped + Buffer.byteLength(tail ?? '')).toBe(out.fullBytes);
    expect(out.text).not.toContain('\ufffd');
    expect(out.sha256).toBe(outputSha256(out.text));
  });
});
