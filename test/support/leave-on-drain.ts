import { isPortOpen } from './tcp-probe';

/**
 * Calls `leave` shortly after a host's graceful quit begins (SRS closes its listeners: the RTMP port stops accepting),
 * as an audience does when the stream ends there. `stop` ends the watch without leaving.
 */
export function leaveOnDrain(rtmpPort: number, leave: () => Promise<void>, afterMs = 400): { stop: () => void } {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      if (!(await isPortOpen(rtmpPort))) {
        await new Promise((r) => setTimeout(r, afterMs));
        await leave();
        return;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  return { stop: () => (stopped = true) };
}
