import { randomBytes } from 'node:crypto';

/** Request ids like `r-m3k9x2-a1b2c3`: time-ordered, unique, safe as BullMQ job id parts and in Slack text. */
export function newRequestId(now: number = Date.now()): string {
  return `r-${now.toString(36)}-${randomBytes(3).toString('hex')}`;
}
