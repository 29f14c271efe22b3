import type { JsonObject } from './standin-types';

/** Thrown by a method handler to answer `{ ok: false, error, ...extra }` with HTTP 200, as Slack does. */
export class SlackApiError extends Error {
  readonly error: string;
  readonly extra: JsonObject;

  constructor(error: string, extra: JsonObject = {}) {
    super(error);
    this.name = 'SlackApiError';
    this.error = error;
    this.extra = extra;
  }

  toBody(): JsonObject {
    return { ok: false, error: this.error, ...this.extra };
  }
}
