import { WebClientEvent, type WebClient } from '@slack/web-api';
import type { MetricsPort } from '../../ports/metrics-port';

/**
 * Counts every 429 Slack answers this client (the client pauses for Retry-After, then retries), and tells `onLimited`
 * (the shared pacing: every replica then holds that method for Retry-After).
 */
export function countRateLimits(client: WebClient, metrics: MetricsPort, onLimited?: (method: string, retrySec: number) => void): void {
  client.on(WebClientEvent.RATE_LIMITED, (retrySec: number, request: { url?: unknown }) => {
    const url = typeof request.url === 'string' ? request.url : '';
    const method = url.slice(url.lastIndexOf('/') + 1) || 'unknown';
    metrics.slackRateLimited(method);
    onLimited?.(method, retrySec);
  });
}
