/** Slack's limit for a section block's text. */
export const SECTION_TEXT_MAX = 3000;
/** Slack's limit for a context block's elements. */
export const CONTEXT_ELEMENTS_MAX = 10;

/** A Block Kit mrkdwn text object. */
export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

/** A Block Kit section with mrkdwn text. */
export interface SectionBlock {
  type: 'section';
  text: MrkdwnText;
}

/** A Block Kit context block (small grey text). */
export interface ContextBlock {
  type: 'context';
  elements: MrkdwnText[];
}

/** The blocks the renderers use. */
export type Block = SectionBlock | ContextBlock;

/**
 * Cuts Slack-escaped text to at most `max` characters, ending with `…` when cut; never leaves half an
 * entity (`&am`) or half a surrogate pair at the cut. A backstop: renderers budget their parts first.
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1)).replace(/&[a-z]{0,4}$/, '');
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A section block; text capped at {@link SECTION_TEXT_MAX}. `text` must be non-empty. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: capText(text, SECTION_TEXT_MAX) } };
}

/** A context block of the non-empty `texts` (at most {@link CONTEXT_ELEMENTS_MAX}). */
export function context(...texts: string[]): ContextBlock {
  const elements = texts
    .filter((t) => t !== '')
    .slice(0, CONTEXT_ELEMENTS_MAX)
    .map((t): MrkdwnText => ({ type: 'mrkdwn', text: capText(t, SECTION_TEXT_MAX) }));
  return { type: 'context', elements };
}
