import type { ChatMessage } from '../core/command';
import type { OutputVerdict } from '../core/output-check';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { inlineCode } from '../core/text/inline-code';
import type { StoredOutput } from '../ports/output-store-port';
import { section, SECTION_TEXT_MAX, type Block } from './blocks';

/**
 * Output up to this many characters is shown whole in the reply, in code blocks of at most {@link CHUNK_CHARS}
 * characters each (Slack: 3000 characters a section, 50 blocks a message); longer output shows its head and tail and
 * the link to the ops server. The bot has only the `commands` and `chat:write` scopes: no file upload.
 */
export const OUTPUT_INLINE_MAX_CHARS = 12000;
/** Raw characters per code block: room for the fences and for escaping (`&` -> `&amp;`) within a section. */
const CHUNK_CHARS = 2400;
/** What head and tail show of a longer output. */
const PART_CHARS = 2400;

/** What `/srs output` answers with, besides the stored output itself. */
export interface OutputView {
  stored: StoredOutput;
  verdict: OutputVerdict;
  /** The ops server's address of this output (`OPS_PUBLIC_URL/output/<job id>`), when the bot knows its public URL. */
  link?: string;
}

/** `30 days`, `12 hours`, `45 minutes`. */
export function describeRetention(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (ms % 86_400_000 === 0) return unit(ms / 86_400_000, 'day');
  if (ms >= 3_600_000) return unit(Math.round(ms / 3_600_000), 'hour');
  return unit(Math.max(1, Math.round(ms / 60_000)), 'minute');
}

/** Cuts text into pieces of at most `size` characters, at a line end when one is near, never inside a surrogate pair. */
function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    let cut = rest.lastIndexOf('\n', size);
    if (cut < size / 2) cut = size;
    else cut += 1;
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest !== '') out.push(rest);
  return out;
}

/** A code block of raw text (escaped for Slack; a blank line shown as such). */
function code(raw: string): string {
  return `\`\`\`\n${escapeSlackText(raw.replace(/\n$/, '')) || ' '}\n\`\`\``;
}

/** The hash line: matches, or loudly does not, or no record to compare with. */
export function describeVerdict(v: OutputVerdict): string {
  const sha = `sha256 \`${v.sha256}\``;
  if (v.kind === 'matches')
    return `:white_check_mark: ${sha} matches the audit record (#${v.record.seq}, ${v.record.type}, ${v.record.at})`;
  if (v.kind === 'mismatch') {
    const recorded = v.record.sha256 !== undefined ? `\`${v.record.sha256}\`` : 'no hash';
    return `:rotating_light: *${sha} DOES NOT MATCH the audit record* (#${v.record.seq}, ${v.record.type}, ${v.record.at}: ${recorded}): this stored output was altered, or is not what the worker kept. Do not trust it.`;
  }
  return `:warning: ${sha}: *no audit record found for this job*, so it cannot be checked (the record may be outside the audit log's reach).`;
}

/** The reply to `/srs output <job id>` (ephemeral): heading, the hash check, then the output whole or its head and tail. */
export function renderOutput(view: OutputView): ChatMessage {
  const { stored: s, verdict } = view;
  const cut = s.truncated ? ` (the whole output was ${s.fullBytes} bytes: output.maxBytes kept its head and tail)` : '';
  const heading = `*Output of job ${inlineCode(s.jobId, 120)}* · ${escapeSlackText(s.host)} · ${s.verb} · ${s.bytes} bytes${cut} · kept until ${new Date(s.expiresAt).toISOString()}`;
  const parts: string[] = [heading, describeVerdict(verdict)];
  if (s.text.length <= OUTPUT_INLINE_MAX_CHARS) {
    parts.push(...chunks(s.text, CHUNK_CHARS).map(code));
  } else {
    const head = chunks(s.text, PART_CHARS)[0] ?? '';
    const tailStart = s.text.length - PART_CHARS;
    const tail = s.text.slice(/[\uDC00-\uDFFF]/.test(s.text.charAt(tailStart)) ? tailStart + 1 : tailStart);
    parts.push(code(head), `_[... ${s.text.length - head.length - tail.length} characters not shown here ...]_`, code(tail));
    parts.push(
      view.link !== undefined
        ? `The whole output (${s.bytes} bytes, sha256 in the \`x-output-sha256\` header): <${view.link}|${escapeSlackText(view.link)}> (ops server, same login as the queue dashboard)`
        : `Too long to show here (${s.text.length} characters). The whole output is on the ops server at \`/output/${escapeSlackText(s.jobId)}\` (set \`OPS_PUBLIC_URL\` so the bot links to it).`,
    );
  }
  const blocks: Block[] = parts.map((p) => section(p.length <= SECTION_TEXT_MAX ? p : p.slice(0, SECTION_TEXT_MAX)));
  return { text: parts.join('\n'), blocks };
}

/** No output for the id: unknown, expired, or never kept; says the retention. */
export function renderOutputMissing(jobId: string, retentionMs: number, why: 'unknown' | 'expired' | 'not_kept'): ChatMessage {
  const id = inlineCode(jobId, 120);
  const kept = `outputs are kept for ${describeRetention(retentionMs)}`;
  if (why === 'not_kept')
    return {
      text: `:warning: The output of job ${id} was not kept: the worker could not store it (the audit record says so; its hash is there).`,
    };
  if (why === 'expired') return { text: `No output for job ${id} any more: ${kept}, and this one has expired (the audit record remains).` };
  return {
    text: `No output for ${id}: no such job, or its output has expired (${kept}). A job id is the request id and the host, as in \`r-abc123-1a2b3c-edge-3\`.`,
  };
}

/** A request id given: its jobs, to pick one. */
export function renderRequestJobs(requestId: string, jobs: ReadonlyArray<{ jobId: string; host: string; outcome: string }>): ChatMessage {
  if (jobs.length === 0) return { text: `No job of request ${inlineCode(requestId, 64)} has a result on record.` };
  const lines = jobs.slice(0, 40).map((j) => `• ${escapeSlackText(j.host)} (${j.outcome}): \`/srs output ${j.jobId}\``);
  const more = jobs.length > 40 ? `\n… and ${jobs.length - 40} more` : '';
  return { text: `Jobs of request ${inlineCode(requestId, 64)}:\n${lines.join('\n')}${more}` };
}
