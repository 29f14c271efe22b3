import { MemoryAuditStore } from '../../../../src/adapters/audit/memory-audit-store';
import { meteredAudit } from '../../../../src/adapters/metrics/metered-audit';
import { PromMetrics } from '../../../../src/adapters/metrics/prom-metrics';
import { meteredChat, slackErrorCode } from '../../../../src/adapters/slack/metered-chat';
import { ChatopsError, ErrorCode } from '../../../../src/core/errors';
import type { VerbResult } from '../../../../src/core/verb-result';
import type { ChatPort } from '../../../../src/ports/chat-port';
import type { HostPort } from '../../../../src/ports/host-port';
import type { JobEvent } from '../../../../src/ports/job-queue-port';
import { meteredEvents } from '../../../../src/adapters/bullmq/metered-events';
import { meteredHosts } from '../../../../src/adapters/metrics/metered-hosts';
import { metricValue } from '../../../support/ops-client';

const metrics = () => new PromMetrics({ component: 'test', processMetrics: false });
const unknown = { state: 'unknown' as const, apiUp: false };
const result = (outcome: VerbResult['outcome'], durationMs: number, errorCode?: string): VerbResult => ({
  v: 1,
  host: 'edge-1',
  verb: 'restart',
  outcome,
  summary: '',
  before: unknown,
  after: unknown,
  evidence: [],
  exitCode: 0,
  durationMs,
  output: '',
  ...(errorCode ? { errorCode } : {}),
});
const base = { v: 1 as const, requestId: 'r-1', jobId: 'r-1-edge-1', host: 'edge-1', verb: 'restart' as const, at: 10_000, worker: 'w1' };

describe('PromMetrics', () => {
  it('exposes counts, histograms and scraped gauges with the component label', async () => {
    const m = new PromMetrics({
      component: 'bot',
      processMetrics: false,
      gauges: { queueDepth: () => Promise.resolve({ waiting: 3, active: 1 }), workersAlive: () => Promise.reject(new Error('redis down')) },
    });
    m.jobFinished('status', 'ok', 1500);
    m.jobFinished('status', 'ok', 500);
    m.slackRateLimited('chat.update');
    const text = await m.text();
    expect(metricValue(text, 'srs_chatops_jobs_total', { verb: 'status', outcome: 'ok', component: 'bot' })).toBe(2);
    expect(metricValue(text, 'srs_chatops_job_duration_seconds_sum', { verb: 'status' })).toBe(2);
    expect(metricValue(text, 'srs_chatops_job_duration_seconds_bucket', { verb: 'status', le: '1' })).toBe(1);
    expect(metricValue(text, 'srs_chatops_slack_rate_limited_total', { method: 'chat.update' })).toBe(1);
    expect(metricValue(text, 'srs_chatops_queue_jobs', { state: 'waiting' })).toBe(3);
    // A reader that fails reports "unknown" (NaN), not a made-up 0.
    expect(metricValue(text, 'srs_chatops_workers_alive')).toBeNaN();
    expect(m.contentType).toMatch(/^text\/plain/);
  });

  it('answers a scrape even when the Redis readers never answer: queue depth absent, workers alive NaN', async () => {
    const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
    const m = new PromMetrics({
      component: 'bot',
      processMetrics: false,
      scrapeTimeoutMs: 50,
      gauges: { queueDepth: never, workersAlive: never },
    });
    m.jobFinished('status', 'ok', 1000);
    const text = await m.text();
    expect(metricValue(text, 'srs_chatops_jobs_total', { verb: 'status', outcome: 'ok' })).toBe(1);
    expect(metricValue(text, 'srs_chatops_queue_jobs')).toBeUndefined();
    expect(metricValue(text, 'srs_chatops_workers_alive')).toBeNaN();
  });
});

describe('metered adapters', () => {
  it('counts audit writes that fail, and still rejects them', async () => {
    const m = metrics();
    const store = new MemoryAuditStore();
    const audit = meteredAudit(store, m);
    await audit.append({ type: 'request.received', actor: 'U1', data: {} });
    store.failWrites = true;
    await expect(audit.append({ type: 'job.started', actor: 'w', data: {} })).rejects.toThrow();
    expect(metricValue(await m.text(), 'srs_chatops_audit_write_failures_total', { type: 'job.started' })).toBe(1);
    expect(metricValue(await m.text(), 'srs_chatops_audit_write_failures_total', { type: 'request.received' })).toBeUndefined();
  });

  it('counts failed Slack calls by method and Slack error code', async () => {
    const m = metrics();
    const platform = Object.assign(new Error('An API error occurred: channel_not_found'), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'channel_not_found' },
    });
    const inner: ChatPort = {
      post: () => Promise.reject(platform),
      update: () => Promise.resolve(),
      postEphemeral: () => Promise.reject(Object.assign(new Error('x'), { code: 'slack_webapi_http_error', statusCode: 503 })),
    };
    const chat = meteredChat(inner, m);
    await expect(chat.post('C1', { text: 'hi' })).rejects.toBe(platform);
    await chat.update('C1', '1.2', { text: 'ok' });
    await expect(chat.postEphemeral('C1', 'U1', { text: 'x' })).rejects.toThrow();
    const text = await m.text();
    expect(metricValue(text, 'srs_chatops_slack_api_errors_total', { method: 'chat.postMessage', code: 'channel_not_found' })).toBe(1);
    expect(metricValue(text, 'srs_chatops_slack_api_errors_total', { method: 'chat.postEphemeral', code: 'http_503' })).toBe(1);
    expect(metricValue(text, 'srs_chatops_slack_api_errors_total', { method: 'chat.update' })).toBeUndefined();
    expect(slackErrorCode({ code: 'slack_webapi_rate_limited_error' })).toBe('ratelimited');
    expect(slackErrorCode('boom')).toBe('unknown');
  });

  it('counts SSH operations refused for want of a connection, not commands that ran', async () => {
    const m = metrics();
    let fail: Error | undefined;
    const inner: HostPort = {
      exec: () =>
        fail
          ? Promise.reject(fail)
          : Promise.resolve({ code: 1, stdout: '', stderr: 'no', durationMs: 1, timedOut: false, connectionLost: false }),
      httpGet: () => Promise.reject(new ChatopsError(ErrorCode.CommandTimeout, 'api timeout')),
      close: () => Promise.resolve(),
    };
    const hosts = meteredHosts(inner, m);
    const target = { name: 'edge-1', address: '127.0.0.1', port: 22, user: 'srs' };
    await hosts.exec(target, { argv: ['true'], timeoutMs: 1000 });
    await expect(hosts.httpGet(target, '127.0.0.1:1985', '/api/v1/versions', 1000)).rejects.toThrow('api timeout');
    fail = new ChatopsError(ErrorCode.SshAuthFailed, 'refused');
    await expect(hosts.exec(target, { argv: ['true'], timeoutMs: 1000 })).rejects.toBe(fail);
    fail = new ChatopsError(ErrorCode.HostKeyMismatch, 'changed');
    await expect(hosts.exec(target, { argv: ['true'], timeoutMs: 1000 })).rejects.toBe(fail);
    const text = await m.text();
    expect(metricValue(text, 'srs_chatops_ssh_connect_failures_total', { reason: 'ssh_auth_failed' })).toBe(1);
    expect(metricValue(text, 'srs_chatops_ssh_connect_failures_total', { reason: 'host_key_mismatch' })).toBe(1);
    expect(metricValue(text, 'srs_chatops_ssh_connect_failures_total', { reason: 'command_timeout' })).toBeUndefined();
  });

  it('counts published results and finished drains; a job_failed answer (sent by every worker) is not counted here', async () => {
    const m = metrics();
    const published: JobEvent[] = [];
    let refuse = false;
    const events = meteredEvents(
      { publish: (e) => (refuse ? Promise.reject(new Error('redis down')) : (published.push(e), Promise.resolve())) },
      m,
    );
    await events.publish({ ...base, type: 'job.result', result: result('ok', 4000) });
    await events.publish({ ...base, type: 'job.result', result: result('unknown', 0, 'job_failed') });
    const progress = {
      host: 'edge-1',
      stage: 'exited' as const,
      settings: { startWaitMs: 0, finalWaitMs: 0, forceGraceQuit: false },
      samples: [],
      escalations: ['SIGINT at 5m'],
      signalAt: 1000,
      exitedAt: 61_000,
    };
    await events.publish({ ...base, verb: 'grace', type: 'grace.milestone', milestone: 'exited', progress });
    await events.publish({ ...base, verb: 'grace', type: 'grace.milestone', milestone: 'drained', progress });
    refuse = true;
    await expect(events.publish({ ...base, type: 'job.result', result: result('ok', 1) })).rejects.toThrow('redis down');
    const text = await m.text();
    expect(published).toHaveLength(4);
    expect(metricValue(text, 'srs_chatops_jobs_total', { verb: 'restart', outcome: 'ok' })).toBe(1);
    expect(metricValue(text, 'srs_chatops_jobs_total', { verb: 'restart', outcome: 'unknown' })).toBeUndefined();
    expect(metricValue(text, 'srs_chatops_drain_duration_seconds_count', { escalated: 'yes' })).toBe(1);
    expect(metricValue(text, 'srs_chatops_drain_duration_seconds_sum', { escalated: 'yes' })).toBe(60);
  });
});
