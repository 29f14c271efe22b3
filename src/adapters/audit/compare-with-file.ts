import type { Redis } from 'ioredis';
import { FileComparison, type FileRecordRef } from '../../core/audit/file-records';
import type { ChainProblem } from '../../core/audit/chain-verifier';
import type { AuditKeys } from './audit-keys';
import { idAfter, toRecord, type RawStreamEntry } from './stream-entries';

/** Walks the stream and compares each record with the file's record of that seq (see {@link FileComparison}). */
export async function compareWithFile(
  redis: Redis,
  keys: AuditKeys,
  file: ReadonlyMap<number, FileRecordRef>,
  batch = 2000,
): Promise<{ first?: ChainProblem; problems: number }> {
  const comparison = new FileComparison(file);
  let start: string | undefined = '-';
  while (start !== undefined) {
    const entries = (await redis.xrange(keys.stream, start, '+', 'COUNT', batch)) as RawStreamEntry[];
    for (const entry of entries) {
      const record = toRecord(entry);
      if (record !== undefined) comparison.push(entry[0], record);
    }
    const last = entries[entries.length - 1];
    start = last === undefined || entries.length < batch ? undefined : idAfter(last[0]);
  }
  return comparison.finish();
}
