export { launchFleet, type LaunchFleetOptions } from './launch-fleet';
export { attachFleet } from './attach-fleet';
export type { Fleet, FleetConfigOptions, FleetHost, FleetManifest, HostSpec, ManifestHost, SshdFiles } from './types';
export type { InstalledHost, ServiceManager, SrsPorts } from './srs-sim';
