import { createLogger } from '../../../../src/adapters/logger';
import { parseConfig } from '../../../../config/load-config';
import { describeSnapshot } from '../../../../src/core/describe-snapshot';
import type { ExecResult, HostHttpResponse, HostPort } from '../../../../src/ports/host-port';
import type { HostContext } from '../../../../src/worker/srs/host-context';
import { readApi } from '../../../../src/worker/srs/snapshot';
import { API_PAGE_SIZE, countClients, parseListPage, parseSummaries, readList } from '../../../../src/worker/srs/srs-api';

const envelope = (extra: Record<string, unknown>) => JSON.stringify({ code: 0, server: 'vid-1', service: 'abc12', pid: '4242', ...extra });

/** `GET /api/v1/clients/` as SRS 6.0 pages it (srs_app_http_api.cpp): start = max(0, start), count = max(10, count). */
function srsClientsPage(all: ReadonlyArray<Record<string, unknown>>, path: string): string {
  const q = new URL(path, 'http://x').searchParams;
  const start = Math.max(0, Number(q.get('start') ?? 0) || 0);
  const count = Math.max(10, Number(q.get('count') ?? 0) || 0);
  return envelope({ clients: all.slice(start, start + count) });
}

const player = (i: number) => ({ id: `p${i}`, type: i % 2 === 0 ? 'rtmp-play' : 'flv-play', publish: false });
const publisher = (i: number) => ({ id: `u${i}`, type: 'fmle-publish', publish: true });

/** A host whose API answers like real SRS right after 3 clients joined: summaries' conn_srs still says 1. */
class LaggingApi implements HostPort {
  paths: string[] = [];
  constructor(private readonly clients: ReadonlyArray<Record<string, unknown>>) {}
  exec(): Promise<ExecResult> {
    return Promise.resolve({ code: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false, connectionLost: false });
  }
  httpGet(_t: unknown, _h: string, path: string): Promise<HostHttpResponse> {
    this.paths.push(path);
    if (path === '/api/v1/summaries')
      return Promise.resolve({
        status: 200,
        body: envelope({ data: { self: { version: '6.0.157', pid: 4242, srs_uptime: 9 }, system: { conn_srs: 1 } } }),
      });
    if (path.startsWith('/api/v1/clients/')) return Promise.resolve({ status: 200, body: srsClientsPage(this.clients, path) });
    if (path.startsWith('/api/v1/streams/'))
      return Promise.resolve({
        status: 200,
        body: envelope({ streams: [{ id: 's1', clients: this.clients.length, publish: { active: true, cid: 'u0' } }] }),
      });
    return Promise.resolve({ status: 404, body: '' });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function ctxFor(hosts: HostPort): HostContext {
  const config = parseConfig(
    { ssh: { user: 'u', privateKeyPath: '/k', knownHostsPath: '/kh' }, hosts: [{ name: 'edge-1', address: '127.0.0.1' }] },
    't',
  );
  const host = config.hosts[0];
  if (!host) throw new Error('no host');
  return {
    hostConfig: host,
    target: { name: 'edge-1', address: '127.0.0.1', port: 22, user: 'u' },
    ssh: hosts,
    settings: config.worker,
    commandTimeoutMs: 1000,
    logger: createLogger('test'),
    sleep: () => Promise.resolve(),
  };
}

describe('SRS API parsing', () => {
  it('reads the summaries envelope (pid as a string), and never takes conn_srs as a client count', () => {
    const body = envelope({ data: { self: { version: '6.0.184', pid: 4242, srs_uptime: 65 }, system: { conn_srs: 3 } } });
    expect(parseSummaries(body)).toEqual({ pid: 4242, serviceId: 'abc12', version: '6.0.184', uptimeSeconds: 65 });
  });
  it('rejects error envelopes and non-JSON', () => {
    expect(parseSummaries(JSON.stringify({ code: 1003 }))).toBeUndefined();
    expect(parseSummaries('<html>')).toBeUndefined();
    expect(parseListPage(JSON.stringify({ code: 2049 }), 'clients')).toBeUndefined();
  });
  it('splits clients into players (`clients`) and publishers (publish: true, or a *-publish type)', () => {
    const entries = [player(1), player(2), publisher(1), { id: 'x', type: 'srt-publish' }, { id: 'y', type: 'rtc-play' }];
    expect(countClients(entries)).toEqual({ clients: 3, publishers: 2 });
  });
});

describe('reading the whole client list', () => {
  it('pages with start/count until a short page, counting each client once', async () => {
    const all = [...Array.from({ length: 1234 }, (_, i) => player(i)), publisher(0), publisher(1)];
    const asked: string[] = [];
    const list = await readList((path) => {
      asked.push(path);
      return Promise.resolve(srsClientsPage(all, path));
    }, 'clients');
    expect(list).toHaveLength(1236);
    expect(asked).toEqual([0, 1, 2].map((p) => `/api/v1/clients/?start=${p * API_PAGE_SIZE}&count=${API_PAGE_SIZE}`));
    expect(countClients(list ?? [])).toEqual({ clients: 1234, publishers: 2 });
  });
  it('is unknown (not a short count) when a page does not answer', async () => {
    const all = Array.from({ length: API_PAGE_SIZE + 3 }, (_, i) => player(i));
    let calls = 0;
    const list = await readList(
      (path) => (++calls === 2 ? Promise.resolve(undefined) : Promise.resolve(srsClientsPage(all, path))),
      'clients',
    );
    expect(list).toBeUndefined();
  });
  it('a status right after 3 clients joined says 2 players and 1 publisher, although conn_srs still says 1', async () => {
    const api = new LaggingApi([publisher(0), player(1), player(2)]);
    const facts = await readApi(ctxFor(api));
    expect(facts).toMatchObject({ clients: 2, publishers: 1, streams: 1, version: '6.0.157' });
    expect(api.paths).toContain(`/api/v1/clients/?start=0&count=${API_PAGE_SIZE}`);
    expect(
      describeSnapshot({
        state: 'running',
        pid: 4242,
        apiUp: true,
        version: '6.0.157',
        uptimeSeconds: 9,
        clients: facts?.clients,
        publishers: facts?.publishers,
      }),
    ).toBe('running (pid 4242), SRS 6.0.157, up 9s, 2 players, 1 publisher');
  });
});
