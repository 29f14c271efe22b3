import { SlackApiError } from './api-error';

/**
 * A subset of Block Kit's message limits, enough to catch what a chat-ops bot typically gets wrong
 * (long command output in a section, too many buttons, duplicate ids). Unknown block types pass.
 * Errors mimic Slack's answer: `invalid_blocks` with `errors: ['... [json-pointer:/blocks/0/text/text]']`.
 */
const MAX_BLOCKS = 50;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Collector {
  readonly errors: string[] = [];
  add(message: string, pointer: string): void {
    this.errors.push(`${message} [json-pointer:${pointer}]`);
  }
}

function checkText(c: Collector, value: unknown, pointer: string, maxLen: number, plainOnly = false): void {
  if (!isObject(value)) {
    c.add('must provide an object', pointer);
    return;
  }
  const type = value['type'];
  if (type !== 'plain_text' && (plainOnly || type !== 'mrkdwn')) {
    c.add(plainOnly ? 'must be plain_text' : 'must be plain_text or mrkdwn', `${pointer}/type`);
  }
  const text = value['text'];
  if (typeof text !== 'string' || text.length === 0) c.add('must be a non-empty string', `${pointer}/text`);
  else if (text.length > maxLen) c.add(`must be less than ${maxLen + 1} characters`, `${pointer}/text`);
}

function checkElement(c: Collector, el: unknown, pointer: string, actionIds: Set<string>): void {
  if (!isObject(el) || typeof el['type'] !== 'string') {
    c.add('must provide an object with a type', pointer);
    return;
  }
  const actionId = el['action_id'];
  if (typeof actionId === 'string') {
    if (actionId.length > 255) c.add('must be less than 256 characters', `${pointer}/action_id`);
    if (actionIds.has(actionId)) c.add(`action_id ${actionId} is not unique in the block`, `${pointer}/action_id`);
    actionIds.add(actionId);
  }
  if (el['type'] === 'button') {
    checkText(c, el['text'], `${pointer}/text`, 75, true);
    const value = el['value'];
    if (value !== undefined && (typeof value !== 'string' || value.length > 2000)) {
      c.add('must be a string of at most 2000 characters', `${pointer}/value`);
    }
  }
}

function checkBlock(c: Collector, block: unknown, i: number, blockIds: Set<string>): void {
  const p = `/blocks/${i}`;
  if (!isObject(block) || typeof block['type'] !== 'string') {
    c.add('must provide an object with a type', p);
    return;
  }
  const blockId = block['block_id'];
  if (blockId !== undefined) {
    if (typeof blockId !== 'string' || blockId.length === 0 || blockId.length > 255) {
      c.add('must be a string of 1 to 255 characters', `${p}/block_id`);
    } else if (blockIds.has(blockId)) {
      c.add(`block_id ${blockId} is not unique`, `${p}/block_id`);
    } else {
      blockIds.add(blockId);
    }
  }
  switch (block['type']) {
    case 'section': {
      const fields = block['fields'];
      if (block['text'] === undefined && fields === undefined) c.add('must provide text or fields', p);
      if (block['text'] !== undefined) checkText(c, block['text'], `${p}/text`, 3000);
      if (fields !== undefined) {
        if (!Array.isArray(fields) || fields.length > 10) c.add('must be an array of at most 10 items', `${p}/fields`);
        else fields.forEach((f, j) => checkText(c, f, `${p}/fields/${j}`, 2000));
      }
      break;
    }
    case 'header':
      checkText(c, block['text'], `${p}/text`, 150, true);
      break;
    case 'input': {
      checkText(c, block['label'], `${p}/label`, 2000, true);
      const el = block['element'] as Record<string, unknown> | undefined;
      if (typeof el !== 'object' || el === null || el['type'] !== 'plain_text_input')
        c.add('must be a plain_text_input element', `${p}/element`);
      else if (typeof el['action_id'] !== 'string' || el['action_id'].length === 0 || el['action_id'].length > 255)
        c.add('must be a string of 1 to 255 characters', `${p}/element/action_id`);
      break;
    }
    case 'context':
    case 'actions': {
      const elements = block['elements'];
      const max = block['type'] === 'actions' ? 25 : 10;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > max) {
        c.add(`must be an array of 1 to ${max} items`, `${p}/elements`);
        break;
      }
      if (block['type'] === 'actions') {
        const ids = new Set<string>();
        elements.forEach((el, j) => checkElement(c, el, `${p}/elements/${j}`, ids));
      }
      break;
    }
    default:
      break;
  }
}

/** Returns the parsed blocks, or throws `invalid_blocks` / `invalid_blocks_format` like Slack. */
export function validateMessageBlocks(blocks: unknown): unknown[] {
  if (typeof blocks === 'string') throw new SlackApiError('invalid_blocks_format');
  if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  const c = new Collector();
  if (blocks.length > MAX_BLOCKS) c.add(`must be no more than ${MAX_BLOCKS} items`, '/blocks');
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => checkBlock(c, b, i, blockIds));
  if (c.errors.length > 0) {
    throw new SlackApiError('invalid_blocks', {
      errors: c.errors,
      response_metadata: { messages: c.errors.map((e) => `[ERROR] ${e}`) },
    });
  }
  return blocks;
}
