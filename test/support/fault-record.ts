import fs from 'node:fs';
import path from 'node:path';
import type { VerbResult } from '../../src/core/verb-result';
import type { AuditEventType } from '../../src/ports/audit-port';
import type { BotHarness } from './bot-harness';

/**
 * What a fault test saw of one request it had accepted (an ack naming a request id, or a verb run started):
 * whether it got its final answer (in its thread, or as the verb's result), and whether the audit log closed it.
 * `audited` is null where the test runs below the audit log (a verb run on the SSH adapter, no bot).
 */
export interface RequestSeen {
  requestId: string;
  answered: boolean;
  audited: boolean | null;
}

/** What a fault test records: the fault, how often it was injected, and what it saw of each request it accepted. */
export interface FaultObservation {
  fault: string;
  injected: number;
  requests: RequestSeen[];
}

/** One row of the fault report: counts and verdict computed from an observation, never written by hand. */
export interface FaultRow {
  fault: string;
  injected: number;
  accepted: number;
  answered: number;
  /** null: not applicable (no audit log in that test). */
  audited: number | null;
  /** Accepted requests without their final answer, or (where audited) without their closing audit record. */
  requestsLost: number;
  /** Survived: at least one request went through the fault, and none was lost. */
  survived: boolean;
  /** The ids of the lost requests. */
  lost: string[];
}

/** Where fault tests leave their observations for `scripts/fault-report.ts`. */
export const FAULT_DIR = path.resolve(__dirname, '..', '..', '.tmp', 'faults');

/** Whether one request was lost: no final answer, or (where the test has an audit log) no closing record. */
function isLost(r: RequestSeen): boolean {
  return !r.answered || r.audited === false;
}

/** The row an observation comes to: the only place `survived` and `requestsLost` are decided. */
export function faultRow(o: FaultObservation): FaultRow {
  const lost = o.requests.filter(isLost).map((r) => r.requestId);
  const audit = o.requests.map((r) => r.audited);
  return {
    fault: o.fault,
    injected: o.injected,
    accepted: o.requests.length,
    answered: o.requests.filter((r) => r.answered).length,
    audited: audit.length > 0 && audit.every((a) => a === null) ? null : audit.filter((a) => a === true).length,
    requestsLost: lost.length,
    survived: o.requests.length > 0 && lost.length === 0,
    lost,
  };
}

/** Records an observation (call it after the test's assertions, with what the test saw); returns its row. */
export function recordFault(o: FaultObservation): FaultRow {
  fs.mkdirSync(FAULT_DIR, { recursive: true });
  const file = path.join(FAULT_DIR, `${o.fault.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`);
  fs.writeFileSync(file, JSON.stringify(o));
  return faultRow(o);
}

/** Audit records that close a request: its summary (a verb, a refusal) or the end of its rollout. */
const CLOSING: readonly AuditEventType[] = ['request.done', 'rollout.done', 'rollout.halted', 'rollout.aborted'];

/** What the chat stand-in and the audit log show of one request now. */
async function seeOnce(b: BotHarness, requestId: string): Promise<RequestSeen> {
  let answered = false;
  for (const channel of b.config.slack.allowedChannels) {
    // The parent message shows the final summary (`…: done…`) and its thread holds the answer (results, verdict).
    const parent = b.standin.messages(channel).find((m) => m.text.includes(requestId));
    if (parent?.text.includes(': done') && b.standin.thread(channel, parent.ts).length > 0) answered = true;
  }
  const records = await b.audit({ requestId, types: [...CLOSING], limit: 10 });
  return { requestId, answered, audited: records.some((r) => r.requestId === requestId && CLOSING.includes(r.type)) };
}

/**
 * What became of accepted chat requests, from the Slack stand-in's threads and the audit log. The audit record is
 * written just after the final answer, so this waits (up to `waitMs`) for every request to be answered and audited,
 * then reports what it saw: a request still missing either then counts as lost.
 */
export async function seeRequests(b: BotHarness, requestIds: readonly string[], waitMs = 10000): Promise<RequestSeen[]> {
  const end = Date.now() + waitMs;
  for (;;) {
    const seen = await Promise.all(requestIds.map((id) => seeOnce(b, id)));
    if (seen.every((r) => !isLost(r)) || Date.now() >= end) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A verb run on the worker side (no chat, no audit log): answered when it came back with an outcome and a summary. */
export function seeVerbRun(requestId: string, result: VerbResult | undefined): RequestSeen {
  return { requestId, answered: result !== undefined && result.summary.trim() !== '', audited: null };
}
