import type { HostSnapshot } from '../../core/verb-result';
import { apiPort, type HostContext } from './host-context';
import { parseProbe, type ProbeResult } from './parse-probe';
import { PROBE_SCRIPT, scriptArgv } from './remote-scripts';
import { countClients, countStreams, parseSummaries, readList, type ApiFacts } from './srs-api';
import { ChatopsError, ErrorCode } from '../../core/errors';

/** A snapshot plus the raw probe (log position, sockets) that verbs use to confirm outcomes. */
export interface ObservedHost {
  snapshot: HostSnapshot;
  probe: ProbeResult;
}

const API_TIMEOUT_MS = 2500;

/**
 * Reads the API (summaries, and the whole `clients/` and `streams/` lists, in parallel); undefined when it does not
 * answer. Clients are counted from `clients/` (current), never from summaries' `conn_srs` (resampled every ~3 s).
 */
export async function readApi(ctx: HostContext): Promise<ApiFacts | undefined> {
  const get = async (path: string) => {
    try {
      const res = await ctx.ssh.httpGet(ctx.target, ctx.hostConfig.api, path, API_TIMEOUT_MS);
      return res.status === 200 ? res.body : undefined;
    } catch (err) {
      if (err instanceof ChatopsError && err.code !== ErrorCode.CommandTimeout && err.code !== ErrorCode.Internal) throw err;
      return undefined;
    }
  };
  const [summaries, clients, streams] = await Promise.all([get('/api/v1/summaries'), readList(get, 'clients'), readList(get, 'streams')]);
  const facts = summaries === undefined ? undefined : parseSummaries(summaries);
  if (!facts) return undefined;
  if (streams) {
    const s = countStreams(streams);
    facts.streams = s.streams;
    facts.publishers = s.published;
    facts.publishedStreams = s.publishedNames;
  }
  if (clients) Object.assign(facts, countClients(clients));
  return facts;
}

/** Runs the probe script on the host. */
export async function probeHost(ctx: HostContext): Promise<ProbeResult> {
  const { hostConfig: host } = ctx;
  const res = await ctx.ssh.exec(ctx.target, {
    argv: scriptArgv(PROBE_SCRIPT, 'srs-probe', [host.srsRoot, host.srsConfig, String(apiPort(host)), ...host.mediaPorts.map(String)]),
    timeoutMs: Math.min(ctx.commandTimeoutMs, 15000),
  });
  if (res.code === null) {
    const probe = parseProbe('', host.srsRoot);
    probe.errors.push(res.timedOut ? 'probe_timeout' : 'connection_lost');
    return probe;
  }
  return parseProbe(res.stdout, host.srsRoot);
}

/**
 * Probe and API together: the host's real state (with what blocks a start: a zombie's parent, a recycled pid's
 * command, ports another program holds). The API counts only when its pid is the pid file's.
 */
export async function observeHost(ctx: HostContext): Promise<ObservedHost> {
  const [probe, api] = await Promise.all([probeHost(ctx), readApi(ctx)]);
  const snapshot: HostSnapshot = { state: probe.state, apiUp: false };
  if (probe.pid !== undefined) snapshot.pid = probe.pid;
  if (probe.state === 'foreign_pid' && probe.cmdline !== undefined) snapshot.pidCommand = probe.cmdline.trim();
  if (probe.state === 'zombie' && probe.ppid !== undefined) {
    snapshot.zombieParent = { pid: probe.ppid, ...(probe.parentCmdline !== undefined ? { command: probe.parentCmdline } : {}) };
  }
  if (probe.holders !== undefined && probe.holders.length > 0) snapshot.portHolders = probe.holders;
  if (api && (probe.pid === undefined || api.pid === undefined || api.pid === probe.pid)) {
    snapshot.apiUp = true;
    Object.assign(
      snapshot,
      stripUndefined({
        version: api.version,
        serviceId: api.serviceId,
        uptimeSeconds: api.uptimeSeconds,
        clients: api.clients,
        publishers: api.publishers,
        streams: api.streams,
        publishedStreams: api.publishedStreams,
      }),
    );
  }
  return { snapshot, probe };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
