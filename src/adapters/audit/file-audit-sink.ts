import { open, type FileHandle } from 'node:fs/promises';
import { anchorLine, type AuditAnchor } from '../../core/audit/anchor-line';
import { toJsonLine } from '../../core/audit/export-format';
import type { AnchorSink } from '../../ports/anchor-port';
import type { AuditRecord } from '../../ports/audit-port';
import type { AuditMirror } from './chained-appender';

/**
 * A JSON-lines copy of the audit log in a file (for a SIEM shipper): each record as its canonical JSON with
 * `hash`, appended (O_APPEND, mode 0640) and fsynced before `write` resolves, so a record `append` confirmed is
 * on disk. Writes are serialised in call order. The lines of one process are in seq order; several processes
 * mirroring to one file interleave whole lines (verify such a file per seq, or mirror from one `audit tail -f`).
 * The bot also writes its anchor lines here (`{"anchor":1,…}`, see docs/AUDIT-FORMAT.md).
 */
export class FileAuditSink implements AuditMirror, AnchorSink {
  readonly kind = 'file';
  private handle: Promise<FileHandle> | undefined;
  private last: Promise<void> = Promise.resolve();

  /** `path`: the file, created when missing (its directory must exist). */
  constructor(readonly path: string) {}

  /** Appends the records (one write, one fsync); rejects when the file cannot be written. */
  write(records: readonly AuditRecord[]): Promise<void> {
    return this.enqueue(records.map(toJsonLine).join(''));
  }

  /** Appends an anchor line (fsynced), in order with the records. */
  publish(anchor: AuditAnchor): Promise<void> {
    return this.enqueue(`${anchorLine(anchor)}\n`);
  }

  get name(): string {
    return `file ${this.path}`;
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.last;
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) await (await handle.catch(() => undefined))?.close();
  }

  private enqueue(text: string): Promise<void> {
    const run = this.last.then(() => this.writeNow(text));
    this.last = run.catch(() => undefined);
    return run;
  }

  private async writeNow(text: string): Promise<void> {
    if (text === '') return;
    this.handle ??= open(this.path, 'a', 0o640);
    let fh: FileHandle;
    try {
      fh = await this.handle;
    } catch (err) {
      this.handle = undefined;
      throw err;
    }
    await fh.write(text);
    await fh.sync();
  }
}
