import { FleetHandle } from './fleet-handle';
import { readManifest } from './manifest';
import type { Fleet } from './types';

/** The {@link Fleet} API for a fleet launched by another process, from its directory's `fleet.json`. */
export function attachFleet(dir: string): Fleet {
  return new FleetHandle(readManifest(dir));
}
