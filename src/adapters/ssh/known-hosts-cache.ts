import { readFileSync, statSync } from 'node:fs';
import { parseKnownHosts, type KnownHosts } from './known-hosts';

/**
 * The known_hosts file as the handshakes read it: parsed again whenever its mtime changes (an operator's edit or
 * `doctor --trust-new` takes effect at the next connect), otherwise served from memory. A file that cannot be read
 * fails the connect with the file system's error.
 */
export class KnownHostsCache {
  private cached: { mtimeMs: number; entries: KnownHosts } | undefined;

  constructor(private readonly path: string) {}

  /** The parsed file, current as of its mtime now. */
  entries(): KnownHosts {
    const mtimeMs = statSync(this.path).mtimeMs;
    if (!this.cached || this.cached.mtimeMs !== mtimeMs) {
      this.cached = { mtimeMs, entries: parseKnownHosts(readFileSync(this.path, 'utf8')) };
    }
    return this.cached.entries;
  }
}
