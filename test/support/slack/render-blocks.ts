/** Plain-text rendering of Block Kit blocks, one or more lines per block, for debugging and text asserts. */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `text` of a text object (`{type:'mrkdwn', text}`), or '' */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value['text'] === 'string') return value['text'];
  return '';
}

function elementText(el: unknown): string {
  if (!isObject(el)) return '';
  switch (el['type']) {
    case 'button': {
      const id = typeof el['action_id'] === 'string' ? `(${el['action_id']})` : '';
      return `[${textOf(el['text'])}]${id}`;
    }
    case 'image':
      return `(image: ${textOf(el['alt_text'])})`;
    case 'plain_text':
    case 'mrkdwn':
      return textOf(el);
    default: {
      const placeholder = textOf(el['placeholder']);
      return `<${String(el['type'])}${placeholder === '' ? '' : `: ${placeholder}`}>`;
    }
  }
}

function richText(value: unknown): string {
  if (Array.isArray(value)) return value.map(richText).join('');
  if (!isObject(value)) return '';
  if (typeof value['text'] === 'string') return value['text'];
  if (value['type'] === 'user' && typeof value['user_id'] === 'string') return `<@${value['user_id']}>`;
  return richText(value['elements']);
}

function elements(block: Record<string, unknown>): unknown[] {
  return Array.isArray(block['elements']) ? (block['elements'] as unknown[]) : [];
}

function blockLines(block: unknown): string[] {
  if (!isObject(block)) return ['<invalid block>'];
  switch (block['type']) {
    case 'header':
      return [`# ${textOf(block['text'])}`];
    case 'divider':
      return ['---'];
    case 'section': {
      const lines = textOf(block['text']).split('\n');
      if (Array.isArray(block['fields'])) lines.push((block['fields'] as unknown[]).map(textOf).join(' | '));
      if (block['accessory'] !== undefined) lines.push(`  ${elementText(block['accessory'])}`);
      return lines;
    }
    case 'context':
      return [elements(block).map(elementText).join(' · ')];
    case 'actions':
      return [elements(block).map(elementText).join(' ')];
    case 'image':
      return [elementText(block)];
    case 'rich_text':
      return richText(block['elements']).split('\n');
    default:
      return [`<${String(block['type'])}>`];
  }
}

/** All lines of a blocks array (empty for undefined). */
export function renderBlocks(blocks: unknown[] | undefined): string[] {
  return (blocks ?? []).flatMap(blockLines);
}
