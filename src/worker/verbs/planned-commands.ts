import { describeSnapshot, isDown } from '../../core/describe-snapshot';
import { drainsOnQuit } from '../../core/grace/grace-progress';
import type { VerbOptions } from '../../core/command';
import type { UpgradeJobOptions } from '../../ports/job-queue-port';
import { signalArgv } from '../grace/follow-tick';
import { configTestArgv } from '../srs/config-test';
import { displayCommand } from '../srs/display-command';
import type { HostContext } from '../srs/host-context';
import { installCommandArgv } from '../srs/privileged-command';
import { serviceCommand } from '../srs/service-command';
import type { ObservedHost } from '../srs/snapshot';
import { installArgv } from '../upgrade/install-command';
import { startBlocker } from './start-blocker';

/** What a plan's survey asks about: the verb it plans, with its options (an upgrade's step options when it plans one). */
export type SurveyAsk = NonNullable<HostContext['survey']>;

/**
 * The commands `verb` would send to this host now, in order, judged on the state just read, in the display form of
 * the step output (display-command.ts), built by the builders the verbs use. A line in parentheses is not a command:
 * `(nothing: ...)` when the verb would send nothing, `(only if ...)` before a command sent only when something happens
 * (a drain deadline, a failed check), `(waits ...)` for a wait. Reads nothing and sends nothing itself.
 */
export function plannedCommands(ctx: HostContext, observed: ObservedHost, ask: SurveyAsk): string[] {
  const s = observed.snapshot;
  const host = ctx.hostConfig;
  const service = (action: Parameters<typeof serviceCommand>[1]): string =>
    displayCommand(serviceCommand(ctx, action, ctx.commandTimeoutMs).argv);
  const options = ask.options ?? {};
  if (s.state === 'unknown') return ['(nothing: the state could not be read, and no verb runs on a host it cannot read)'];
  switch (ask.verb) {
    case 'status':
      return ['(nothing: status only reads the host)'];
    case 'start':
      if (s.state === 'running') return [`(nothing: SRS already runs, pid ${s.pid ?? '?'})`];
      return startCommands(ctx, observed, service);
    case 'stop':
      if (isDown(s)) return [`(nothing: SRS is already stopped: ${describeSnapshot(s)})`];
      return [service('stop')];
    case 'restart':
      if (options.graceful === true) return gracefulRestartCommands(ctx, observed, options, service);
      if (host.serviceManager === 'systemd' && !isDown(s)) return [service('restart')];
      return [...(isDown(s) ? [] : [service('stop')]), ...startCommands(ctx, observed, service, !isDown(s))];
    case 'reload':
      if (s.state !== 'running') return [`(nothing: SRS is not running: ${describeSnapshot(s)})`];
      return [displayCommand(configTestArgv(host)), `(only if the config test passes) ${service('reload')}`];
    case 'rotate':
      if (s.state !== 'running') return [`(nothing: SRS is not running: ${describeSnapshot(s)})`];
      return [service('rotate')];
    case 'grace': {
      const quit = quitCommands(ctx, observed, options, service);
      if (quit.length > 1 && host.serviceManager === 'systemd')
        return [...quit, '(sends nothing more: systemd starts SRS again by itself, Restart=always)'];
      return quit;
    }
    case 'upgrade':
      return upgradeCommands(ctx, observed, options, service);
  }
}

type Service = (action: Parameters<typeof serviceCommand>[1]) => string;

/** The start every path uses: nothing while the pid file blocks init.d, a wait while it names a zombie. */
function startCommands(ctx: HostContext, observed: ObservedHost, service: Service, afterStop = false): string[] {
  const s = observed.snapshot;
  // After a stop the pid file's process is SRS's own, gone: nothing blocks the start then.
  if (!afterStop && s.state === 'foreign_pid') {
    return [`(nothing: ${startBlocker(ctx, observed)?.reason ?? `pid ${s.pid ?? '?'} is not SRS`})`];
  }
  if (!afterStop && s.state === 'zombie') {
    const wait = `(waits up to ${Math.round(ctx.settings.zombieReapWaitMs / 100) / 10} s for zombie pid ${s.pid ?? '?'} to be reaped; sends nothing if it is not)`;
    return [wait, service('start')];
  }
  return [service('start')];
}

/** SIGQUIT through the service's `grace`, and the escalation signals sent only at the drain deadline. */
function quitCommands(ctx: HostContext, observed: ObservedHost, options: VerbOptions, service: Service): string[] {
  const s = observed.snapshot;
  if (s.state !== 'running' || s.pid === undefined) return [`(nothing: SRS is not running: ${describeSnapshot(s)})`];
  if (!drainsOnQuit(s.version) && options.confirmed !== true) {
    return [`(nothing until confirmed: SRS ${s.version ?? '?'} does not drain, a quit drops every client)`];
  }
  return [
    service('grace'),
    `(only if the drain deadline is hit and the quit is forced) ${displayCommand(signalArgv(ctx.hostConfig, s.pid, 'INT'))}`,
    `(only if it still lives after grace_final_wait) ${displayCommand(signalArgv(ctx.hostConfig, s.pid, 'KILL'))}`,
  ];
}

/** `restart --graceful`: the quit, then the start (systemd: Restart=always starts it, nothing is sent). */
function gracefulRestartCommands(ctx: HostContext, observed: ObservedHost, options: VerbOptions, service: Service): string[] {
  const quit = quitCommands(ctx, observed, options, service);
  if (observed.snapshot.state !== 'running' || quit.length === 1) return quit;
  if (ctx.hostConfig.serviceManager === 'systemd') return [...quit, '(sends no start: systemd starts SRS again by itself, Restart=always)'];
  return [...quit, `(once pid ${observed.snapshot.pid ?? '?'} has exited) ${service('start')}`];
}

/** An upgrade's step: install the version, graceful restart, and the rollback sent only when the checks fail. */
function upgradeCommands(
  ctx: HostContext,
  observed: ObservedHost,
  options: VerbOptions & { upgrade?: UpgradeJobOptions },
  service: Service,
): string[] {
  const u = options.upgrade;
  const s = observed.snapshot;
  if (u === undefined) return ['(nothing listed: the survey does not carry the upgrade step)'];
  if (s.state !== 'running') return [`(nothing: SRS is not running: ${describeSnapshot(s)})`];
  // A plan's survey does not know "from" yet (it is what the survey reads): '' means the version found now.
  const from = u.from === '' ? (s.version ?? '?') : u.from;
  if (s.version !== from) return [`(nothing: SRS runs ${s.version ?? '?'}, not ${from} as planned)`];
  if (s.version === u.version) return [`(nothing: SRS already runs ${u.version}; the plan leaves it out)`];
  const install = (version: string, previous: string): string =>
    displayCommand(installCommandArgv(ctx.hostConfig, installArgv(u.install, { version, root: ctx.hostConfig.srsRoot, previous })));
  const restart = gracefulRestartCommands(ctx, observed, { ...options, confirmed: true }, service);
  const out = [install(u.version, from), ...restart];
  if (u.rollback) out.push(`(only if the new version fails its checks) ${install(from, u.version)}`, '(then the graceful restart again)');
  return out;
}
