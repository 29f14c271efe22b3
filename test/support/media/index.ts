import { FfmpegMediaDriver } from './ffmpeg-media-driver';
import type { MediaDriver } from './media-driver';
import { SimMediaDriver } from './sim-media-driver';

export type { ConnectOptions, MediaClient, MediaDriver, MediaKind, ReconnectingPublisher } from './media-driver';

/** The media clients for a host engine: simulator clients, or real ffmpeg clients for real SRS. */
export function mediaDriverFor(engine: 'sim' | 'real'): MediaDriver {
  return engine === 'real' ? new FfmpegMediaDriver() : new SimMediaDriver();
}
