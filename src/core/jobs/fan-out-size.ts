/**
 * Requests on more hosts than this are fan-outs: their results come as one table once every host answered (Slack paces
 * thread replies to about one a second), and a read-only one is queued as one request-level job the workers expand.
 */
export const FAN_OUT_ABOVE = 5;

/** Whether a request on `hostCount` hosts is a fan-out. */
export function isFanOutSize(hostCount: number): boolean {
  return hostCount > FAN_OUT_ABOVE;
}
