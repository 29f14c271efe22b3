import type { Outcome } from '../core/verb-result';

/** The emoji shown before a host's result. */
export const OUTCOME_EMOJI: Readonly<Record<Outcome, string>> = {
  ok: ':white_check_mark:',
  noop: ':heavy_minus_sign:',
  failed: ':x:',
  refused: ':no_entry_sign:',
  unknown: ':grey_question:',
};

/** How an outcome reads in messages (`noop` reads `unchanged`). */
export const OUTCOME_LABEL: Readonly<Record<Outcome, string>> = {
  ok: 'ok',
  noop: 'unchanged',
  failed: 'failed',
  refused: 'refused',
  unknown: 'unknown',
};
