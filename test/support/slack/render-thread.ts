import { renderBlocks } from './render-blocks';
import type { EphemeralMessage, RecordedCall, SlackMessage } from './standin-types';
import type { WorkspaceModel } from './workspace-model';

/** One message: `ts @user: text  (edited xN)` then its blocks, `| `-prefixed, all under `indent`. */
function renderMessage(m: SlackMessage | EphemeralMessage, who: string, indent: string): string[] {
  const edits = m.edits.length > 0 ? `  (edited x${m.edits.length})` : '';
  const deleted = m.deleted ? '  (deleted)' : '';
  const lines = [`${indent}${m.ts} ${who}: ${m.text}${edits}${deleted}`];
  for (const line of renderBlocks(m.blocks)) lines.push(`${indent}  | ${line}`);
  return lines;
}

/**
 * A thread as plain text: the parent, its replies indented, then ephemerals posted in that thread.
 * Replies of a deleted parent still show, under a `(deleted)` parent line.
 */
export function renderThread(model: WorkspaceModel, channel: string, ts: string): string {
  const parent = model.find(channel, ts);
  if (parent === undefined) return `#${channel} ${ts}: <no such message>`;
  const lines = [`#${channel}`, ...renderMessage(parent, `@${parent.user}`, '')];
  for (const reply of model.replies(channel, parent.ts)) lines.push(...renderMessage(reply, `@${reply.user}`, '    '));
  const ephemerals = model.ephemerals().filter((e) => e.channel === channel && e.thread_ts === parent.ts);
  if (ephemerals.length > 0) {
    lines.push('  ephemeral:');
    for (const e of ephemerals) lines.push(...renderMessage(e, `(only @${e.user})`, '    '));
  }
  return lines.join('\n');
}

/** A whole channel: each visible top-level message with its thread, then the channel's ephemerals. */
export function renderChannel(model: WorkspaceModel, channel: string): string {
  const lines = [`#${channel}`];
  for (const m of model.channelView(channel)) {
    lines.push(...renderMessage(m, `@${m.user}`, '  '));
    for (const reply of m.thread_ts === undefined ? model.replies(channel, m.ts) : []) {
      lines.push(...renderMessage(reply, `@${reply.user}`, '      '));
    }
  }
  const ephemerals = model.ephemerals().filter((e) => e.channel === channel);
  if (ephemerals.length > 0) {
    lines.push('  ephemeral:');
    for (const e of ephemerals) {
      const where = e.thread_ts === undefined ? '' : ` in thread ${e.thread_ts}`;
      lines.push(...renderMessage(e, `(only @${e.user}${where})`, '    '));
    }
  }
  return lines.join('\n');
}

function renderCall(c: RecordedCall): string {
  const args = JSON.stringify(c.args);
  const shown = args.length > 200 ? `${args.slice(0, 200)}...` : args;
  return `  #${c.seq} ${c.method} -> ${c.status} ${c.outcome}${c.error === undefined ? '' : ` (${c.error})`} ${shown}`;
}

/** Everything: channels, response_url posts, views and the last calls. Used in waitFor timeouts. */
export function renderDump(model: WorkspaceModel, calls: readonly RecordedCall[], lastCalls = 20): string {
  const parts: string[] = [];
  for (const id of model.channelIds()) {
    if (model.allMessages(id).length > 0 || model.ephemerals().some((e) => e.channel === id)) {
      parts.push(renderChannel(model, id));
    }
  }
  if (parts.length === 0) parts.push('(no messages)');
  if (model.responses.length > 0) {
    parts.push(
      ['response_url posts:', ...model.responses.map((r) => `  ${r.id} -> ${r.status} ${r.effect} ${JSON.stringify(r.body)}`)].join('\n'),
    );
  }
  if (model.views.length > 0) parts.push(`views opened: ${model.views.map((v) => v.id).join(', ')}`);
  const tail = calls.slice(-lastCalls);
  parts.push([`calls (${calls.length}, last ${tail.length}):`, ...tail.map(renderCall)].join('\n'));
  return parts.join('\n\n');
}
