import type { ChatMessage } from '../core/command';
import { formatDuration } from '../core/describe-snapshot';
import type { HostSnapshot } from '../core/verb-result';
import { GRACE_ACTIONS, type GraceButtonValue } from '../core/grace/grace-actions';
import { connectedText as connected } from '../core/grace/exit-report';
import { trendOf, type GraceMilestone, type GraceProgress } from '../core/grace/grace-progress';
import { context, section } from './blocks';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { describeClients, plural } from '../core/text/plural';

const STAGE_EMOJI: Readonly<Record<GraceProgress['stage'], string>> = {
  preflight: ':mag:',
  signal_sent: ':outbox_tray:',
  start_wait: ':hourglass_flowing_sand:',
  no_drain: ':warning:',
  listeners_closed: ':no_entry:',
  draining: ':droplet:',
  final_wait: ':hourglass:',
  terminated: ':checkered_flag:',
  exited: ':white_check_mark:',
  escalating: ':rotating_light:',
  left_draining: ':zzz:',
};

const secs = (ms: number) => formatDuration(ms / 1000);

/** What was connected when the quit started (API): `was 3: 2 players, 1 publisher`. */
function atStart(p: GraceProgress): string | undefined {
  if (p.playersAtStart === undefined) return undefined;
  return `was ${p.playersAtStart + (p.publishersAtStart ?? 0)}: ${describeClients(p.playersAtStart, p.publishersAtStart)}`;
}

function stageText(p: GraceProgress, now: number): string {
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
    case 'no_drain':
      return `signal received; SRS ${p.version ?? '5.0'} does not drain: it exits within about 2 s of SIGQUIT and drops the ${connected(p)} still connected`;
    case 'listeners_closed':
    case 'draining': {
      const notes = [atStart(p), trend].filter((x): x is string => x !== undefined);
      const since = p.drainStartAt !== undefined ? `, draining for ${secs(now - p.drainStartAt)}` : '';
      return `listeners closed; ${connected(p)} left${notes.length > 0 ? ` (${notes.join(', ')})` : ''}${since}`;
    }
    case 'final_wait':
      return `drained: every client left; final wait (grace_final_wait ${p.settings.finalWaitMs} ms)`;
    case 'terminated':
      return 'SRS terminated; waiting for the process to go';
    case 'exited': {
      const after = p.signalAt !== undefined && p.exitedAt !== undefined ? ` after ${secs(p.exitedAt - p.signalAt)}` : '';
      const lost =
        p.forcedOff !== undefined
          ? `; ${plural(p.forcedOff, 'client')} forced off`
          : p.dropped !== undefined && p.dropped > 0
            ? `; ${plural(p.dropped, 'client')} dropped (no drain)`
            : '';
      return `exited${after}: process ended, media ports closed${lost}`;
    }
    case 'escalating':
      return `force quit: ${p.escalations.join(', ') || 'sending SIGINT'}`;
    case 'left_draining':
      return `left draining at your request (${connected(p)} still connected); SRS exits when they leave`;
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
  const head = `*Graceful ${verb === 'restart' ? 'restart' : 'quit'}*: ${done}/${plural(progresses.length, 'host')} done`;
  const lines = progresses.map((p) => renderGraceLine(p, now));
  const text = [head, ...lines].join('\n');
  return { text, blocks: [section(head), ...lines.map((l) => section(l))].slice(0, 50) };
}

const MILESTONE_TEXT: Readonly<Record<GraceMilestone, string>> = {
  listeners_closed: 'listeners closed (the HTTP API too): no new clients',
  drained: 'drained: every client left',
  exited: 'exited: process ended, media ports closed',
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

/** The pre-flight, before any signal: version, clients, the host's grace settings (or that it does not drain), the deadline. */
export function renderGracePreflight(p: GraceProgress, deadlineMs: number | undefined): ChatMessage {
  const s = p.settings;
  const how =
    p.drains === false
      ? 'this version does not drain: every client is dropped when it exits, within about 2 s of SIGQUIT (confirmed)'
      : `grace_start_wait ${s.startWaitMs} ms, grace_final_wait ${s.finalWaitMs} ms, force_grace_quit ${s.forceGraceQuit ? 'on' : 'off'}`;
  const text =
    `:mag: *${escapeSlackText(p.host)}* pre-flight: SRS ${escapeSlackText(p.version ?? '?')} (pid ${p.pid ?? '?'}), ` +
    `${describeClients(p.playersAtStart, p.publishersAtStart)} connected now (API); ${how}; deadline ${deadlineMs === undefined ? 'none' : secs(deadlineMs)}.`;
  return { text, blocks: [section(text)] };
}

function button(text: string, actionId: string, value: GraceButtonValue, style?: 'primary' | 'danger'): Record<string, unknown> {
  return {
    type: 'button',
    text: { type: 'plain_text', text },
    action_id: actionId,
    value: JSON.stringify(value),
    ...(style ? { style } : {}),
  };
}

/** At the deadline: force quit now / extend / leave it draining. */
export function renderGraceDeadlinePrompt(p: GraceProgress, value: GraceButtonValue, extendMs: number, now: number): ChatMessage {
  const text = `:alarm_clock: *${escapeSlackText(p.host)}* is still draining (${connected(p)}) at its deadline (${p.signalAt !== undefined ? secs(now - p.signalAt) : '?'}). Force quit (SIGINT, then SIGKILL) drops them now.`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [
          button('Force quit now', GRACE_ACTIONS.force, value, 'danger'),
          button(`Extend ${secs(extendMs)}`, GRACE_ACTIONS.extend, value),
          button('Leave it draining', GRACE_ACTIONS.leave, value),
        ],
      },
      context('Only the requester or an operator may press; presses are recorded.'),
    ],
  };
}

/** SRS 5.0 does not drain: say so (with the players, and the publishers when given) and ask before sending anything. */
export function renderGraceConfirm(
  host: string,
  before: Pick<HostSnapshot, 'version' | 'clients' | 'publishers'>,
  value: GraceButtonValue,
): ChatMessage {
  const text =
    `:warning: *${escapeSlackText(host)}* runs SRS ${escapeSlackText(before.version ?? '5.0')}: on 5.0 a graceful quit does NOT drain ` +
    `(upstream issue 3805, fixed in 6.0.132). SIGQUIT makes it exit within about 2 s, dropping every client connected then ` +
    `(now: ${describeClients(before.clients, before.publishers)}). Nothing was sent.`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [
          button('Quit anyway (drops clients)', GRACE_ACTIONS.confirm, value, 'danger'),
          button('Cancel', GRACE_ACTIONS.cancel, value),
        ],
      },
    ],
  };
}
