import { entryFromRecord } from './chain-entry';
import { ChainVerifier, type ChainHead, type ChainReport } from './chain-verifier';

/**
 * Verifies records held in memory (an exported JSON-lines file, a test's array), in the order given: each
 * record's hash is recomputed from its canonical JSON. `idOf` names a record by its index (default `#1`, `#2`...);
 * `anchors` are records whose hash is known from elsewhere.
 */
export function verifyRecords(
  records: readonly unknown[],
  head?: ChainHead,
  idOf: (index: number) => string = (i) => `#${i + 1}`,
  anchors: readonly ChainHead[] = [],
): ChainReport {
  const verifier = new ChainVerifier(head, anchors);
  records.forEach((r, i) => verifier.push(entryFromRecord(idOf(i), r)));
  return verifier.finish();
}
