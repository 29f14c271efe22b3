import type { BotDeps } from './bot-deps';

/**
 * Runs `work` once per request and key, whatever the duplicate deliveries of an event and the bot replicas: the first
 * caller claims the key and runs it; a failed run gives the claim back (the retry of the event runs it again) and
 * rethrows. Resolves true when this caller ran it.
 */
export async function claimOnce(
  deps: Pick<BotDeps, 'requests'>,
  requestId: string,
  key: string,
  work: () => Promise<unknown>,
): Promise<boolean> {
  if (!(await deps.requests.claim(requestId, key))) return false;
  try {
    await work();
  } catch (err) {
    await deps.requests.unclaim(requestId, key);
    throw err;
  }
  return true;
}
