/** Facts read from the SRS HTTP API (contract section 7). */
export interface ApiFacts {
  pid?: number;
  serviceId?: string;
  version?: string;
  uptimeSeconds?: number;
  /** The players SRS lists now (`clients/` entries that do not publish). Never `conn_srs`, which lags ~3 s. */
  clients?: number;
  /** The publishing clients (`publish: true`, e.g. `fmle-publish`): every media client is a player or a publisher. */
  publishers?: number;
  streams?: number;
  /** The published streams (`app/name`), at most {@link MAX_STREAM_NAMES}: what loses its publisher when SRS stops. */
  publishedStreams?: string[];
}

/** Published stream names kept per host (a survey shows which streams lose their publisher). */
export const MAX_STREAM_NAMES = 50;

/** Entries asked for per page of `clients/` and `streams/`. SRS answers max(10, count) entries, with no upper bound. */
export const API_PAGE_SIZE = 500;
/** Pages read at most (10,000 entries); a longer list is reported as unknown rather than as a wrong count. */
export const API_MAX_PAGES = 20;

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

/** Reads `/api/v1/summaries`: version, pid, uptime. (Its `conn_srs` is resampled every ~3 s: not a client count.) */
export function parseSummaries(body: string): ApiFacts | undefined {
  const env = parseEnvelope(body);
  if (!env) return undefined;
  const data = asObject(env.data);
  const self = asObject(data?.self);
  const facts: ApiFacts = {};
  const pid = num(env.pid) ?? num(self?.pid);
  if (pid !== undefined) facts.pid = pid;
  if (typeof env.service === 'string') facts.serviceId = env.service;
  if (typeof self?.version === 'string') facts.version = self.version;
  const uptime = num(self?.srs_uptime);
  if (uptime !== undefined) facts.uptimeSeconds = uptime;
  return facts;
}

/** A paged list of the API: `clients/` or `streams/`. */
export type ApiList = 'clients' | 'streams';

/** One page of a list: its entries, or undefined when the answer is an error or not that list. */
export function parseListPage(body: string, list: ApiList): Json[] | undefined {
  const env = parseEnvelope(body);
  const entries = env?.[list];
  if (!Array.isArray(entries)) return undefined;
  return entries.map((e) => asObject(e) ?? {});
}

/**
 * Reads a whole list, page by page (`?start=N&count=API_PAGE_SIZE`) until a page comes back short. Entries are keyed
 * by id, so one that moved to the next page while reading is counted once. Undefined when a page does not answer or
 * the list is longer than {@link API_MAX_PAGES} pages.
 */
export async function readList(get: (path: string) => Promise<string | undefined>, list: ApiList): Promise<Json[] | undefined> {
  const byId = new Map<string, Json>();
  for (let page = 0; page < API_MAX_PAGES; page++) {
    const body = await get(`/api/v1/${list}/?start=${page * API_PAGE_SIZE}&count=${API_PAGE_SIZE}`);
    const entries = body === undefined ? undefined : parseListPage(body, list);
    if (!entries) return undefined;
    for (const e of entries) byId.set(typeof e.id === 'string' ? e.id : `#${byId.size}`, e);
    if (entries.length < API_PAGE_SIZE) return [...byId.values()];
  }
  return undefined;
}

/** True for a publishing client: `publish: true` (SRS 4+), or a `*-publish` type (`fmle-publish`, `rtc-publish`...). */
function publishes(client: Json): boolean {
  if (typeof client.publish === 'boolean') return client.publish;
  return typeof client.type === 'string' && /-publish$/.test(client.type);
}

/** Counts `clients/` entries: the players (`clients`) and the publishers. */
export function countClients(entries: readonly Json[]): Pick<ApiFacts, 'clients' | 'publishers'> {
  const publishers = entries.filter(publishes).length;
  return { clients: entries.length - publishers, publishers };
}

/** `app/name` of a stream entry (as SRS lists it; text from the host, escaped where shown), at most 200 characters. */
function streamName(s: Json): string {
  const part = (v: unknown) => (typeof v === 'string' ? v : '?');
  return `${part(s.app)}/${part(s.name)}`.slice(0, 200);
}

/** Counts `streams/` entries: streams, and those with an active publisher (with their names, the first 50). */
export function countStreams(entries: readonly Json[]): { streams: number; published: number; publishedNames: string[] } {
  const published = entries.filter((s) => asObject(s.publish)?.active === true);
  return { streams: entries.length, published: published.length, publishedNames: published.slice(0, MAX_STREAM_NAMES).map(streamName) };
}
