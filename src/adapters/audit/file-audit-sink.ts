import { open, type FileHandle } from 'node:fs/promises';
import { toJsonLine } from '../../core/audit/export-format';
import type { AuditRecord } from '../../ports/audit-port';
import type { AuditMirror } from './chained-appender';

/**
 * A JSON-lines copy of the audit log in a file (for a SIEM shipper): each record as its canonical JSON with
 * `hash`, appended (O_APPEND, mode 0640) and fsynced before `write` resolves, so a record `append` confirmed is
 * on disk. Writes are serialised in call order. The lines of one process are in seq order; several processes
 * mirroring to one file interleave whole lines (verify such a file per seq, or mirror from one `audit tail -f`).
 */
export class FileAuditSink implements AuditMirror {
  private handle: Promise<FileHandle> | undefined;
  private last: Promise<void> = Promise.resolve();

  /** `path`: the file, created when missing (its directory must exist). */
  constructor(readonly path: string) {}

  /** Appends the records (one write, one fsync); rejects when the file cannot be written. */
  write(records: readonly AuditRecord[]): Promise<void> {
    const run = this.last.then(() => this.writeNow(records));
    this.last = run.catch(() => undefined);
    return run;
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.last;
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) await (await handle.catch(() => undefined))?.close();
  }

  private async writeNow(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.handle ??= open(this.path, 'a', 0o640);
    let fh: FileHandle;
    try {
      fh = await this.handle;
    } catch (err) {
      this.handle = undefined;
      throw err;
    }
    await fh.write(records.map(toJsonLine).join(''));
    await fh.sync();
  }
}
