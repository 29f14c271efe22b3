import fs from 'node:fs';
import path from 'node:path';

/** The helper as shipped (deploy/host/srs-chatops-helper). */
export const HELPER_SOURCE = path.resolve(__dirname, '..', '..', '..', 'deploy', 'host', 'srs-chatops-helper');

/** Where a test installs the helper and what it may act on. */
export interface HelperInstall {
  /** The installed helper (root-owned, 0755). */
  helper: string;
  /** Its configuration directory (the roots file inside). */
  confDir: string;
  rootsFile: string;
}

/**
 * Installs the helper the way docs/privilege.md says, at a test path: root-owned 0755, its install-time constants
 * (`CONF_DIR=`, optionally `SYSTEMCTL=`) set, and a root-owned roots file listing `roots`. Needs root.
 */
export function installHelper(dir: string, roots: readonly string[], opts: { systemctl?: string } = {}): HelperInstall {
  if (process.getuid?.() !== 0) throw new Error('installing the srs-chatops helper needs root (CI runs as root)');
  const confDir = path.join(dir, 'etc-srs-chatops');
  fs.mkdirSync(confDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(confDir, 0o755);
  let text = fs.readFileSync(HELPER_SOURCE, 'utf8').replace(/^CONF_DIR=.*$/m, `CONF_DIR=${confDir}`);
  if (opts.systemctl !== undefined) text = text.replace(/^SYSTEMCTL=.*$/m, `SYSTEMCTL=${opts.systemctl}`);
  const helper = path.join(dir, 'srs-chatops-helper');
  fs.writeFileSync(helper, text, { mode: 0o755 });
  fs.chmodSync(helper, 0o755);
  const rootsFile = path.join(confDir, 'helper-roots');
  writeRoots(rootsFile, roots);
  return { helper, confDir, rootsFile };
}

/** Rewrites the roots file (root-owned, 0644). */
export function writeRoots(rootsFile: string, roots: readonly string[]): void {
  fs.writeFileSync(rootsFile, `# SRS roots the srs-chatops helper may act on\n${roots.join('\n')}\n`, { mode: 0o644 });
  fs.chmodSync(rootsFile, 0o644);
}
