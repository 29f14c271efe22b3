import { hostTarget } from '../../config/host-target';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, HostConfig } from '../../config/schema';
import type { VerbResult } from '../core/verb-result';
import type { HostPort } from '../ports/host-port';
import type { HostJob, JobOptions } from '../ports/job-queue-port';
import type { JobStatePort } from '../ports/job-state-port';
import type { Logger } from '../ports/logger-port';
import type { TranscriptEntry } from '../ports/output-store-port';
import type { HostContext } from './srs/host-context';
import { runVerb } from './verbs/run-verb';

/** What a host job runs with, besides the job: the config, the SSH transport, the log, the jobs' state. */
export interface HostJobDeps {
  config: Config;
  ssh: HostPort;
  logger: Logger;
  state: JobStatePort;
}

/**
 * Runs a job's verb on its host (the host's turn taken by the caller): the SSH target, the verb's checkpoint, and for
 * a graceful quit, a restart or an upgrade the grace job, for an upgrade the upgrade job, for a rolling service verb's
 * step (`options.rolling`) the rollout step job. Never throws (failures are
 * results); the commands sent are appended to `transcript`.
 */
export async function runHostJob(deps: HostJobDeps, job: HostJob, host: HostConfig, transcript: TranscriptEntry[]): Promise<VerbResult> {
  const result = await runVerb(hostContext(deps, job, host, transcript), job.verb);
  deps.logger.info(
    { host: job.host, verb: job.verb, jobId: job.jobId, requestId: job.requestId, outcome: result.outcome, ms: result.durationMs },
    'verb done',
  );
  return result;
}

/** What the verb runs with. */
function hostContext(deps: HostJobDeps, job: HostJob, host: HostConfig, transcript: TranscriptEntry[]): HostContext {
  const { config, state } = deps;
  return {
    hostConfig: host,
    // The target the job carries (resolved by the bot when it accepted the request); else this worker's (older bot).
    target: job.target ?? hostTarget(config, host),
    ssh: deps.ssh,
    settings: config.worker,
    commandTimeoutMs: config.ssh.commandTimeoutMs,
    logger: deps.logger.child({ requestId: job.requestId, jobId: job.jobId }),
    sleep: (ms) => sleep(ms),
    checkpoint: state.checkpoint(job),
    transcript,
    ...(job.verb === 'status' && job.options?.survey !== undefined ? { survey: surveyAsk(config, job.options.survey) } : {}),
    ...(job.verb === 'grace' || job.verb === 'restart' || job.verb === 'upgrade' ? { grace: state.grace(job, host) } : {}),
    ...(job.verb === 'upgrade' && job.options?.upgrade ? { upgrade: state.upgrade(job, job.options.upgrade) } : {}),
    ...(rollingVerb(job) && job.options?.rolling
      ? { rolling: { options: job.options.rolling, job: state.rolling(job, job.options.rolling) } }
      : {}),
  };
}

/** The survey's verb and options, with what the worker's config decides the same way the verb would (restartGraceful). */
function surveyAsk(config: Config, survey: NonNullable<JobOptions['survey']>): NonNullable<HostContext['survey']> {
  const options = survey.options ?? {};
  const graceful = options.graceful === true || (survey.verb === 'restart' && config.grace.restartGraceful);
  return { verb: survey.verb, options: { ...options, ...(graceful ? { graceful: true } : {}) } };
}

/** A service verb that can be one host's step of a rolling plan (status changes nothing; an upgrade has its own step). */
function rollingVerb(job: HostJob): boolean {
  return job.verb !== 'status' && job.verb !== 'upgrade';
}
