import fs from 'node:fs';
import path from 'node:path';
import type { FleetManifest } from './types';

/** The manifest file of a fleet directory. */
export function manifestPath(fleetDir: string): string {
  return path.join(fleetDir, 'fleet.json');
}

/** Writes `fleet.json` atomically (temp file + rename): a reader never sees half a manifest. */
export function writeManifest(manifest: FleetManifest): void {
  const file = manifestPath(manifest.dir);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(manifest, null, 2) + '\n');
  fs.renameSync(temp, file);
}

/** Reads `fleet.json` of a fleet directory. */
export function readManifest(fleetDir: string): FleetManifest {
  const file = manifestPath(path.resolve(fleetDir));
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read fleet manifest ${file}: ${(err as Error).message}`);
  }
  const manifest = parsed as Partial<FleetManifest>;
  if (manifest.formatVersion !== 1 || !Array.isArray(manifest.hosts)) {
    throw new Error(`${file} is not a fleet manifest (formatVersion 1)`);
  }
  return manifest as FleetManifest;
}
