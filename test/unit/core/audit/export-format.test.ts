import { csvCell, csvHeader, toCsvLine, toJsonLine } from '../../../../src/core/audit/export-format';
import { GENESIS_HASH } from '../../../../src/core/audit/record-hash';
import { sealRecord } from '../../../../src/core/audit/seal-record';
import { verifyRecords } from '../../../../src/core/audit/verify-records';
import { parseAuditArgs } from '../../../../src/cli/audit/parse-audit-args';

const NOW = Date.parse('2024-05-08T00:00:00Z');

describe('export formats', () => {
  const { record } = sealRecord(
    {
      type: 'request.received',
      actor: 'U0ALICE',
      channel: 'C0OPS',
      requestId: 'r1',
      verb: 'restart',
      correlationId: '=HYPERLINK("http://x")',
      data: { text: 'restart edge-3, "now"', outcome: 'ok' },
    },
    { seq: 1, prev: GENESIS_HASH, atMs: NOW },
  );

  it('JSON lines: canonical JSON with the hash; a line verifies on its own', () => {
    const line = toJsonLine(record);
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.indexOf('"actor"')).toBeLessThan(line.indexOf('"at"')); // keys sorted
    expect(verifyRecords([JSON.parse(line) as unknown])).toMatchObject({ ok: true });
  });

  it('CSV: RFC 4180 quoting, CRLF, formula-looking text prefixed with a quote', () => {
    expect(csvHeader()).toBe('seq,at,type,actor,channel,requestId,host,verb,correlationId,outcome,data,prev,hash\r\n');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-3)).toBe('-3'); // numbers are not text
    expect(csvCell(undefined)).toBe('');
    expect(toCsvLine(record)).toBe(
      `1,2024-05-08T00:00:00.000Z,request.received,U0ALICE,C0OPS,r1,,restart,"'=HYPERLINK(""http://x"")",ok,"{""outcome"":""ok"",""text"":""restart edge-3, \\""now\\""""}",${GENESIS_HASH},${record.hash}\r\n`,
    );
  });
});

describe('srs-chatops audit arguments', () => {
  it('export: time bounds as durations or dates, host, format', () => {
    expect(parseAuditArgs(['export', '--since', '7d', '--until=2024-05-07', '--host', 'edge-3', '--format', 'csv'], NOW)).toEqual({
      command: 'export',
      since: NOW - 7 * 86_400_000,
      until: Date.parse('2024-05-07T00:00:00Z'),
      host: 'edge-3',
      format: 'csv',
    });
    expect(parseAuditArgs(['export'], NOW)).toEqual({ command: 'export', format: 'jsonl' });
  });

  it('tail and verify', () => {
    expect(parseAuditArgs(['tail'], NOW)).toEqual({ command: 'tail', last: 10, follow: false, format: 'text' });
    expect(parseAuditArgs(['tail', '-n', '50', '-f', '--format', 'jsonl'], NOW)).toEqual({
      command: 'tail',
      last: 50,
      follow: true,
      format: 'jsonl',
    });
    expect(parseAuditArgs(['verify', '-q'], NOW)).toEqual({ command: 'verify', quiet: true, anchors: [], anchorsFrom: [] });
    const hash = 'a'.repeat(64);
    expect(parseAuditArgs(['verify', '--anchor', `12:${hash}`, `--anchor=3:${hash}`], NOW)).toEqual({
      command: 'verify',
      quiet: false,
      anchors: [
        { seq: 12, hash },
        { seq: 3, hash },
      ],
      anchorsFrom: [],
    });
    expect(parseAuditArgs([], NOW)).toEqual({ command: 'help' });
  });

  it.each([
    [['export', '--format', 'xml'], '--format xml: jsonl or csv'],
    [['export', '--since'], '--since needs a value'],
    [['export', '--since', 'soon'], '--since soon: not a duration'],
    [['export', '--bogus'], 'export: unknown option --bogus'],
    [['tail', '-n', 'x'], '-n: a number from 0 to 100000'],
    [['verify', '--fix'], 'verify: unknown option --fix'],
    [['verify', '--anchor', '12:abc'], '--anchor 12:abc: SEQ:HASH'],
    [['rm'], "unknown audit command 'rm'"],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseAuditArgs(argv, NOW)).toThrow(message);
  });
});
