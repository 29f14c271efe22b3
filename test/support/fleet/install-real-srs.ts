import fs from 'node:fs';
import path from 'node:path';
import { renderRealConfig } from './real-srs-config';
import type { InstalledHost } from './srs-sim';
import type { HostSpec } from './types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const repo = require('../../srs-sim/install.js') as {
  publishPackage: (hostDir: string, version: string, opts?: { binary?: string }) => string;
  unpublishPackage: (hostDir: string, version: string) => void;
  listPackages: (hostDir: string) => string[];
};

/** Copies a file in place atomically (a temp name beside it, then rename), keeping it executable. */
function copyExecutable(from: string, to: string): void {
  const tmp = `${to}.installing`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, to);
}

/**
 * Turns a host laid out by the simulator's installer (directories, init.d link and rc links, systemctl shim,
 * srs-install and its package repository) into a real SRS host, as `make install` would leave it: the real
 * `objs/srs` of `spec.realBuild`, SRS's own init.d script with ROOT rewritten, a real config on the host's ports,
 * and a package repository whose versions install real binaries (`spec.realPackages`).
 */
export function installRealSrs(hostDir: string, layout: InstalledHost, spec: HostSpec): InstalledHost {
  if (spec.realBuild === undefined) throw new Error('a real SRS host needs spec.realBuild (a built trunk/)');
  if ((spec.serviceManager ?? 'initd') !== 'initd') throw new Error('real SRS hosts run under init.d only (no systemd as PID 1 here)');
  const trunk = spec.realBuild;
  copyExecutable(path.join(trunk, 'objs', 'srs'), layout.binary);
  const script = fs.readFileSync(path.join(trunk, 'etc', 'init.d', 'srs'), 'utf8');
  fs.writeFileSync(layout.initScript, script.replace(/^ROOT=.*$/m, `ROOT="${layout.root}"`), { mode: 0o755 });
  fs.chmodSync(layout.initScript, 0o755);
  fs.writeFileSync(
    layout.config,
    renderRealConfig({
      ports: layout.ports,
      ...(spec.graceStartWaitMs !== undefined && { graceStartWaitMs: spec.graceStartWaitMs }),
      ...(spec.graceFinalWaitMs !== undefined && { graceFinalWaitMs: spec.graceFinalWaitMs }),
      ...(spec.forceGraceQuit !== undefined && { forceGraceQuit: spec.forceGraceQuit }),
    }),
  );
  for (const version of repo.listPackages(hostDir)) repo.unpublishPackage(hostDir, version);
  for (const [version, binary] of Object.entries(spec.realPackages ?? {})) repo.publishPackage(hostDir, version, { binary });
  return layout;
}
