import type { ChatMessage } from '../core/command';

/**
 * The answer to a denied command (ephemeral). `reason` is a `Decision` reason: Slack mrkdwn already,
 * so it is not escaped again.
 */
export function renderDenied(reason: string): ChatMessage {
  return { text: `:no_entry: ${reason}` };
}

/** The answer to a command that did not parse or resolve (ephemeral); `error` is Slack mrkdwn from the core. */
export function renderUsageError(error: string): ChatMessage {
  return { text: `:warning: ${error}` };
}

/** The answer when the job queue (Redis) cannot take the jobs: nothing was started. */
export function renderQueueUnavailable(): ChatMessage {
  return {
    text: ':warning: the job queue (Redis) is not reachable, so nothing was started. Try again in a minute; if it keeps failing, ask an admin to check Redis.',
  };
}
