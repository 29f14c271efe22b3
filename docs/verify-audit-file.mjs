#!/usr/bin/env node
// Checks an srs-chatops audit file (JSON lines: `srs-chatops audit export`, or the `audit.file` copy) with Node
// alone, no dependency and no access to Redis. See docs/AUDIT-FORMAT.md for the format and the hash rule.
//   node docs/verify-audit-file.mjs audit.jsonl [SEQ:HASH]
// Exit 0 when every record's hash holds and the chain is unbroken (in seq order, from the file's first record),
// and every anchor matches: the file's own anchor lines ({"anchor":1,...}, written by the bot) and SEQ:HASH if
// given; exit 1 naming the first problem.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Canonical JSON: JSON.stringify's values, object keys sorted (UTF-16 code units), no whitespace. */
function canonical(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

const [file, anchor] = process.argv.slice(2);
if (file === undefined || file === '--help' || file === '-h') {
  console.error('usage: node docs/verify-audit-file.mjs FILE [SEQ:HASH]');
  process.exit(file === undefined ? 2 : 0);
}
const fail = (message) => {
  console.error(`FAILED: ${message}`);
  process.exit(1);
};
const records = [];
const anchors = anchor === undefined ? [] : [{ where: 'the command line', seq: Number(anchor.split(':')[0]), hash: anchor.split(':')[1] }];
let text;
try {
  text = readFileSync(file, 'utf8');
} catch (err) {
  console.error(
    `cannot read ${file}: ${err.code ?? err.message} (give an export from \`srs-chatops audit export\`, or the audit.file copy)`,
  );
  process.exit(2);
}
text.split('\n').forEach((line, i) => {
  if (line.trim() === '') return;
  let r;
  try {
    r = JSON.parse(line);
  } catch {
    fail(`line ${i + 1} is not JSON`);
  }
  if (r !== null && typeof r === 'object' && r.anchor === 1 && r.v === undefined) {
    anchors.push({ where: `line ${i + 1}`, seq: r.seq, hash: r.hash }); // the chain head the bot published then
    return;
  }
  if (r === null || typeof r !== 'object' || r.v !== 1 || !Number.isSafeInteger(r.seq) || typeof r.hash !== 'string')
    fail(`line ${i + 1} is not a version-1 audit record`);
  const { hash, ...rest } = r;
  const computed = createHash('sha256').update(canonical(rest), 'utf8').digest('hex');
  if (computed !== hash) fail(`line ${i + 1} (seq ${r.seq}) was edited: its content no longer matches its hash`);
  records.push({ line: i + 1, seq: r.seq, prev: r.prev, hash });
});
records.sort((a, b) => a.seq - b.seq); // several processes' copies interleave lines: the chain is in seq order
for (let i = 1; i < records.length; i++) {
  const [before, r] = [records[i - 1], records[i]];
  if (r.seq === before.seq) fail(`seq ${r.seq} appears twice (lines ${before.line} and ${r.line})`);
  if (r.seq !== before.seq + 1)
    fail(`seq ${before.seq + 1}${r.seq - 1 > before.seq + 1 ? `..${r.seq - 1}` : ''} missing before line ${r.line} (seq ${r.seq})`);
  if (r.prev !== before.hash) fail(`line ${r.line} (seq ${r.seq}) does not chain to seq ${before.seq}: that record was rewritten`);
}
if (records.length > 0 && records[0].seq === 1 && records[0].prev !== '0'.repeat(64))
  fail('seq 1 does not chain to the genesis hash (64 zeros)');
const first = records[0]?.seq ?? Infinity;
for (const a of anchors.filter((x) => x.seq >= first)) {
  // an export --since starts mid-log
  const r = records.find((x) => x.seq === a.seq);
  if (r === undefined) fail(`the anchor of ${a.where} names seq ${a.seq}, which is not in the file (its end was cut off?)`);
  if (r.hash !== a.hash) fail(`seq ${a.seq} (line ${r.line}) differs from the anchor of ${a.where}: the log was rewritten`);
}
const last = records[records.length - 1];
const checked = anchors.filter((x) => x.seq >= first).length;
console.log(
  last === undefined
    ? 'ok: no records'
    : `ok: ${records.length} records, seq ${records[0].seq}..${last.seq}, ${checked} anchor(s) matched, head ${last.seq}:${last.hash}`,
);
