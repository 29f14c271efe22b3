/** Facts read from the SRS HTTP API (contract section 7). */
export interface ApiFacts {
  pid?: number;
  serviceId?: string;
  version?: string;
  uptimeSeconds?: number;
  clients?: number;
  publishers?: number;
  streams?: number;
}

type Json = Record<string, unknown>;

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Parses an API answer's envelope: `code` 0, `service`, `pid` (a string). Returns undefined for errors. */
export function parseEnvelope(body: string): Json | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const obj = asObject(parsed);
  if (!obj || obj.code !== 0) return undefined;
  return obj;
}

/** Reads `/api/v1/summaries`: version, pid, uptime, media connections. */
export function parseSummaries(body: string): ApiFacts | undefined {
  const env = parseEnvelope(body);
  if (!env) return undefined;
  const data = asObject(env.data);
  const self = asObject(data?.self);
  const system = asObject(data?.system);
  const facts: ApiFacts = {};
  const pid = num(env.pid) ?? num(self?.pid);
  if (pid !== undefined) facts.pid = pid;
  if (typeof env.service === 'string') facts.serviceId = env.service;
  if (typeof self?.version === 'string') facts.version = self.version;
  const uptime = num(self?.srs_uptime);
  if (uptime !== undefined) facts.uptimeSeconds = uptime;
  const conns = num(system?.conn_srs);
  if (conns !== undefined) facts.clients = conns;
  return facts;
}

/** Reads `/api/v1/streams/`: stream count and active publishers. */
export function parseStreams(body: string): Pick<ApiFacts, 'streams' | 'publishers' | 'clients'> | undefined {
  const env = parseEnvelope(body);
  if (!env || !Array.isArray(env.streams)) return undefined;
  let publishers = 0;
  let clients = 0;
  for (const s of env.streams) {
    const stream = asObject(s);
    if (asObject(stream?.publish)?.active === true) publishers += 1;
    clients += num(stream?.clients) ?? 0;
  }
  return { streams: env.streams.length, publishers, clients };
}
