import type { ChatMessage } from '../command';
import { formatDuration } from '../describe-snapshot';
import { GRACE_ACTIONS, type GraceButtonValue } from '../grace/grace-actions';
import { trendOf, type GraceMilestone, type GraceProgress } from '../grace/grace-progress';
import { context, section } from './blocks';
import { escapeSlackText } from './escape-slack-text';

const STAGE_EMOJI: Readonly<Record<GraceProgress['stage'], string>> = {
  preflight: ':mag:',
  signal_sent: ':outbox_tray:',
  start_wait: ':hourglass_flowing_sand:',
  listeners_closed: ':no_entry:',
  draining: ':droplet:',
  final_wait: ':hourglass:',
  terminated: ':checkered_flag:',
  exited: ':white_check_mark:',
  escalating: ':rotating_light:',
  left_draining: ':zzz:',
};

const secs = (ms: number) => formatDuration(ms / 1000);

function stageText(p: GraceProgress, now: number): string {
  const clients = p.clients ?? p.loggedConns;
  const trend = trendOf(p);
  switch (p.stage) {
    case 'preflight':
      return 'pre-flight';
    case 'signal_sent':
      return 'SIGQUIT sent, waiting for SRS to take it';
    case 'start_wait': {
      const left = p.signalAt === undefined ? undefined : p.signalAt + p.settings.startWaitMs - now;
      return `signal received; still accepting for grace_start_wait${left !== undefined && left > 0 ? ` (listeners close in ${secs(left)})` : ''}`;
    }
    case 'listeners_closed':
    case 'draining': {
      const was = p.clientsAtStart !== undefined ? ` (was ${p.clientsAtStart}${trend ? `, ${trend}` : ''})` : trend ? ` (${trend})` : '';
      const since = p.drainStartAt !== undefined ? `, draining for ${secs(now - p.drainStartAt)}` : '';
      return `listeners closed; ${clients ?? '?'} client${clients === 1 ? '' : 's'} left${was}${since}`;
    }
    case 'final_wait':
      return `drained; final wait (grace_final_wait ${p.settings.finalWaitMs} ms)`;
    case 'terminated':
      return 'SRS terminated; waiting for the process to go';
    case 'exited':
      return `exited${p.signalAt !== undefined && p.exitedAt !== undefined ? ` after ${secs(p.exitedAt - p.signalAt)}` : ''}: process gone, media ports closed`;
    case 'escalating':
      return `force quit: ${p.escalations.join(', ') || 'sending SIGINT'}`;
    case 'left_draining':
      return `left draining at your request (${clients ?? '?'} clients still connected); SRS exits when they leave`;
  }
}

/** One host's line in the status message: stage, clients, elapsed and deadline, always. */
export function renderGraceLine(p: GraceProgress, now: number): string {
  const elapsed = p.signalAt !== undefined ? `elapsed ${secs((p.exitedAt ?? now) - p.signalAt)}` : 'not signalled yet';
  const deadline =
    p.deadlineAt === undefined
      ? 'no deadline'
      : p.stage === 'exited'
        ? `deadline ${secs(p.deadlineAt - (p.signalAt ?? now))}`
        : p.deadlineAt > now
          ? `deadline in ${secs(p.deadlineAt - now)}`
          : `deadline passed ${secs(now - p.deadlineAt)} ago`;
  const lost = p.connectionLost === true ? ' · :warning: host unreachable, retrying' : '';
  return `${STAGE_EMOJI[p.stage]} *${escapeSlackText(p.host)}* ${escapeSlackText(stageText(p, now))} · ${elapsed} · ${deadline}${lost}`;
}

/** The one status message of a graceful quit (one line per host), edited in place as stages move. */
export function renderGraceBoard(verb: string, progresses: readonly GraceProgress[], now: number): ChatMessage {
  const done = progresses.filter((p) => p.stage === 'exited' || p.stage === 'left_draining').length;
  const head = `*Graceful ${verb === 'restart' ? 'restart' : 'quit'}*: ${done}/${progresses.length} host${progresses.length === 1 ? '' : 's'} done`;
  const lines = progresses.map((p) => renderGraceLine(p, now));
  const text = [head, ...lines].join('\n');
  return { text, blocks: [section(head), ...lines.map((l) => section(l))].slice(0, 50) };
}

const MILESTONE_TEXT: Readonly<Record<GraceMilestone, string>> = {
  listeners_closed: 'listeners closed (the HTTP API too): no new clients',
  drained: 'drained: every client left',
  exited: 'exited: process gone (not a zombie), media ports closed',
  escalated: 'escalated',
  deadline: 'deadline reached',
  connection_lost: 'SSH connection to the host lost; reconnecting and resuming from the log position',
  resumed: 'following again',
};

/** A milestone as its own thread reply. */
export function renderGraceMilestone(p: GraceProgress, milestone: GraceMilestone, now: number, detail?: string): ChatMessage {
  const elapsed = p.signalAt !== undefined ? ` at ${secs(now - p.signalAt)}` : '';
  const text = `${STAGE_EMOJI[p.stage]} *${escapeSlackText(p.host)}*: ${MILESTONE_TEXT[milestone]}${detail ? ` (${escapeSlackText(detail)})` : ''}${elapsed}`;
  return { text, blocks: [section(text)] };
}

/** The pre-flight, before any signal: version, clients, the host's grace settings, the deadline. */
export function renderGracePreflight(p: GraceProgress, deadlineMs: number | undefined): ChatMessage {
  const s = p.settings;
  const text =
    `:mag: *${escapeSlackText(p.host)}* pre-flight: SRS ${escapeSlackText(p.version ?? '?')} (pid ${p.pid ?? '?'}), ` +
    `${p.clientsAtStart ?? '?'} clients and ${p.publishersAtStart ?? '?'} publishers connected now (API); grace_start_wait ${s.startWaitMs} ms, ` +
    `grace_final_wait ${s.finalWaitMs} ms, force_grace_quit ${s.forceGraceQuit ? 'on' : 'off'}; deadline ${deadlineMs === undefined ? 'none' : secs(deadlineMs)}.`;
  return { text, blocks: [section(text)] };
}

function button(text: string, actionId: string, value: GraceButtonValue, style?: 'primary' | 'danger'): Record<string, unknown> {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value: JSON.stringify(value), ...(style ? { style } : {}) };
}

/** At the deadline: force quit now / extend / leave it draining. */
export function renderGraceDeadlinePrompt(p: GraceProgress, value: GraceButtonValue, extendMs: number, now: number): ChatMessage {
  const clients = p.clients ?? p.loggedConns ?? '?';
  const text = `:alarm_clock: *${escapeSlackText(p.host)}* is still draining (${clients} clients) at its deadline (${p.signalAt !== undefined ? secs(now - p.signalAt) : '?'}). Force quit (SIGINT, then SIGKILL) drops them now.`;
  return {
    text,
    blocks: [
      section(text),
      { type: 'actions', elements: [button('Force quit now', GRACE_ACTIONS.force, value, 'danger'), button(`Extend ${secs(extendMs)}`, GRACE_ACTIONS.extend, value), button('Leave it draining', GRACE_ACTIONS.leave, value)] },
      context('Only the requester or an operator may press; presses are recorded.'),
    ],
  };
}

/** SRS 5.0 does not drain: say so and ask before sending anything. */
export function renderGraceConfirm(host: string, version: string, clients: number | undefined, value: GraceButtonValue): ChatMessage {
  const text =
    `:warning: *${escapeSlackText(host)}* runs SRS ${escapeSlackText(version)}: on 5.0 a graceful quit does NOT drain ` +
    `(upstream issue 3805, fixed in 6.0.132). SIGQUIT drops all ${clients ?? '?'} clients at once. Nothing was sent.`;
  return {
    text,
    blocks: [
      section(text),
      { type: 'actions', elements: [button('Quit anyway (drops clients)', GRACE_ACTIONS.confirm, value, 'danger'), button('Cancel', GRACE_ACTIONS.cancel, value)] },
    ],
  };
}
