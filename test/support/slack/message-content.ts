import { SlackApiError } from './api-error';
import { validateMessageBlocks } from './block-validation';
import type { JsonObject } from './standin-types';

/** Slack refuses message text beyond this length (`msg_too_long`). */
export const MAX_TEXT_LENGTH = 40_000;

/** Content fields of a chat.* call or response_url post; `undefined` = the field was not sent. */
export interface ContentArgs {
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
}

export function optionalString(args: JsonObject, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new SlackApiError('invalid_arguments', { errors: [`${key} must be a string`] });
}

export function requiredString(args: JsonObject, key: string, missingError = 'invalid_arguments'): string {
  const value = optionalString(args, key);
  if (value === undefined || value === '') throw new SlackApiError(missingError);
  return value;
}

/** Form fields carry booleans as 'true'/'1'; JSON bodies as booleans. */
export function flag(args: JsonObject, key: string): boolean {
  const value = args[key];
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** Reads text/blocks/attachments, validating blocks (unless disabled) and text length. */
export function readContent(args: JsonObject, validateBlocks: boolean): ContentArgs {
  const text = optionalString(args, 'text');
  if (text !== undefined && text.length > MAX_TEXT_LENGTH) throw new SlackApiError('msg_too_long');
  let blocks: unknown[] | undefined;
  const rawBlocks = args['blocks'];
  if (rawBlocks !== undefined && rawBlocks !== null && rawBlocks !== '') {
    if (validateBlocks) blocks = validateMessageBlocks(rawBlocks);
    else if (Array.isArray(rawBlocks)) blocks = rawBlocks as unknown[];
    else throw new SlackApiError('invalid_blocks_format');
  }
  let attachments: unknown[] | undefined;
  const rawAttachments = args['attachments'];
  if (rawAttachments !== undefined && rawAttachments !== null && rawAttachments !== '') {
    if (!Array.isArray(rawAttachments)) throw new SlackApiError('invalid_attachments');
    if (rawAttachments.length > 100) throw new SlackApiError('too_many_attachments');
    attachments = rawAttachments as unknown[];
  }
  return { text, blocks, attachments };
}

/** True when the content has something to show (else Slack answers `no_text`). */
export function hasContent(c: ContentArgs): boolean {
  return (c.text !== undefined && c.text !== '') || (c.blocks?.length ?? 0) > 0 || (c.attachments?.length ?? 0) > 0;
}
