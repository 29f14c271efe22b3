import { WebClientEvent, type WebClient } from '@slack/web-api';
import type { MetricsPort } from '../../ports/metrics-port';

/** Counts every 429 Slack answers this client (the client pauses for Retry-After, then retries). */
export function countRateLimits(client: WebClient, metrics: MetricsPort): void {
  client.on(WebClientEvent.RATE_LIMITED, (_retrySec: number, request: { url?: unknown }) => {
    const url = typeof request.url === 'string' ? request.url : '';
    metrics.slackRateLimited(url.slice(url.lastIndexOf('/') + 1) || 'unknown');
  });
}
