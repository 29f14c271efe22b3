/**
 * The simulator's HTTP API against real SRS 6.0.157 / 5.0.216 (observed with ffmpeg clients, and read in
 * srs_app_http_api.cpp / srs_app_statistic.cpp): client views, paging, the error envelope, routing.
 */
import { api, hostKit, initd, log, waitFor, waitUp } from '../../srs-sim/host-kit';
import { connectClient, type ClientHandle } from '../../srs-sim/media-client';

jest.setTimeout(30000);

const kit = hostKit('srs-sim-api-');
const handles: ClientHandle[] = [];
afterAll(async () => {
  await Promise.all(handles.map((c) => c.close().catch(() => undefined)));
  await kit.cleanup();
});

interface ClientJson {
  id: string;
  type: string;
  publish: boolean;
  name: string;
  url: string;
  tcUrl: string;
}
interface StreamJson {
  name: string;
  clients: number;
  publish: { active: boolean };
}

describe('client views', () => {
  test('clients/ lists publishers and players, current at every call; conn_srs lags; streams count their publisher', async () => {
    const h = await kit.newHost();
    expect((await initd(h, 'start')).code).toBe(0);
    await waitUp(h);
    expect((await api(h, '/api/v1/vhosts/')).json).toMatchObject({ code: 0, vhosts: [] });
    handles.push(await connectClient({ port: h.ports.rtmp, kind: 'publish', stream: 'live/a' }));
    handles.push(await connectClient({ port: h.ports.rtmp, kind: 'play', stream: 'live/a' }));
    handles.push(await connectClient({ port: h.ports.http, kind: 'flv', stream: 'live/a' }));
    await waitFor(async () => ((await api(h, '/api/v1/clients/')).json.clients as unknown[]).length === 3, 3000, 'three clients');

    // count below 10 is raised to 10 (no upper bound); the list is ordered by client id
    const all = (await api(h, '/api/v1/clients/?start=0&count=2')).json.clients as ClientJson[];
    expect(all.map((c) => c.type).sort()).toEqual(['flv-play', 'fmle-publish', 'rtmp-play']);
    expect(all.map((c) => c.id)).toEqual([...all.map((c) => c.id)].sort());
    expect(all.find((c) => c.type === 'fmle-publish')).toMatchObject({
      publish: true,
      name: 'a',
      url: '/live/a',
      tcUrl: `rtmp://127.0.0.1:${h.ports.rtmp}/live`,
    });
    expect(all.find((c) => c.type === 'flv-play')).toMatchObject({ publish: false, name: 'a.flv', url: '/live/a' });
    const rest = (await api(h, '/api/v1/clients/?start=1&count=-5')).json.clients as ClientJson[];
    expect(rest.map((c) => c.id)).toEqual(all.slice(1).map((c) => c.id));
    expect((await api(h, '/api/v1/clients/?start=abc&count=abc')).json.clients).toHaveLength(3);

    // conn_srs is resampled every ~3 s: still the old value right after the clients joined
    const summary = async (): Promise<number> =>
      ((await api(h, '/api/v1/summaries')).json.data as { system: { conn_srs: number } }).system.conn_srs;
    expect(await summary()).toBe(0);
    await waitFor(async () => (await summary()) === 3, 4000, 'conn_srs to catch up');

    const streams = (await api(h, '/api/v1/streams/')).json.streams as StreamJson[];
    expect(streams).toMatchObject([{ name: 'a', clients: 3, publish: { active: true } }]);
    const vhosts = (await api(h, '/api/v1/vhosts/')).json.vhosts as Array<Record<string, unknown>>;
    expect(vhosts).toMatchObject([{ name: '__defaultVhost__', clients: 3, streams: 1, hls: { enabled: false } }]);
    expect(vhosts[0]).not.toHaveProperty('dash');

    // a kick answers with the envelope and is logged as a warning
    const player = all.find((c) => c.type === 'rtmp-play')!;
    const kicked = await api(h, `/api/v1/clients/${player.id}`, 'DELETE');
    expect(Object.keys(kicked.json)).toEqual(['code', 'server', 'service', 'pid']);
    expect(kicked.json.code).toBe(0);
    expect(log(h)).toMatch(new RegExp(`\\]\\[WARN\\]\\[\\d+\\]\\[\\w+\\]\\[\\d+\\] kickoff client id=${player.id} ok\\n`));
    expect((await api(h, '/api/v1/clients/')).json.clients).toHaveLength(2);
  });
});

describe('envelope and routing', () => {
  test('errors carry only code; unknown paths answer the nearest listing; other methods get 405', async () => {
    const h = await kit.newHost({ version: '6.0.157' });
    expect((await initd(h, 'start')).code).toBe(0);
    await waitUp(h);
    const ok = await api(h, '/api/v1/versions');
    expect(ok.headers.get('server')).toBe('SRS/6.0.157(Hang)');
    expect(Object.keys(ok.json)).toEqual(['code', 'server', 'service', 'pid', 'data']);
    expect(ok.json).toMatchObject({
      code: 0,
      pid: String((await api(h, '/api/v1/summaries')).json.pid),
      data: { major: 6, minor: 0, revision: 157, version: '6.0.157' },
    });
    expect((await api(h, '/api/v1/versions', 'POST')).json.code).toBe(0);

    expect((await api(h, '/api/v1/clients/nope')).text).toBe('{"code":2049}');
    expect((await api(h, '/api/v1/clients/', 'DELETE')).text).toBe('{"code":2049}');
    expect((await api(h, '/api/v1/streams/nope')).text).toBe('{"code":2048}');
    expect((await api(h, '/api/v1/raw?rpc=reload-fetch')).text).toBe('{"code":1061}');
    for (const p of ['/api/v1/clients/', '/api/v1/streams/', '/api/v1/vhosts/']) {
      const r = await api(h, p, 'POST');
      expect({ p, status: r.status, text: r.text, type: r.headers.get('content-type') }).toEqual({
        p,
        status: 405,
        text: 'Method Not Allowed',
        type: 'text/plain; charset=utf-8',
      });
    }
    const redirect = await api(h, '/api/v1/streams?start=0');
    expect({ status: redirect.status, location: redirect.headers.get('location'), text: redirect.text }).toEqual({
      status: 302,
      location: '/api/v1/streams/?start=0',
      text: 'Redirect to /api/v1/streams/?start=0',
    });

    const v1 = await api(h, '/api/v1/nope/x');
    expect(Object.keys(v1.json)).toEqual(['code', 'server', 'service', 'pid', 'urls', 'tests']);
    expect(v1.json).toMatchObject({
      code: 0,
      urls: { versions: 'the version of SRS', clients: 'manage all clients or specified client, default query top 10 clients' },
    });
    expect((await api(h, '/api/nope')).json).toMatchObject({ code: 0, urls: { v1: 'the api version 1.0' } });
    expect((await api(h, '/nope')).json).toMatchObject({ code: 0, urls: { api: 'the api root' } });
  });

  test('raw API: reload-fetch and reload answer without the envelope; an unknown rpc is 1060', async () => {
    const h = await kit.newHost({ rawApi: true });
    expect((await initd(h, 'start')).code).toBe(0);
    await waitUp(h);
    const before = (await api(h, '/api/v1/raw?rpc=reload-fetch')).json;
    expect(before).toMatchObject({ code: 0, data: { err: 0, msg: 'Success', state: 0 } });
    expect(Object.keys(before)).toEqual(['code', 'data']);
    expect((before.data as { rid: string }).rid).toMatch(/^[a-z0-9]{7}$/);
    expect((await api(h, '/api/v1/raw?rpc=reload')).text).toBe('{"code":0}');
    await waitFor(
      async () => ((await api(h, '/api/v1/raw?rpc=reload-fetch')).json.data as { state: number }).state === 90,
      3000,
      'the reload',
    );
    expect((await api(h, '/api/v1/raw?rpc=bogus')).text).toBe('{"code":1060}');
    expect((await api(h, '/api/v1/raw?rpc=raw')).json).toEqual({
      code: 0,
      http_api: {
        enabled: true,
        listen: String(h.ports.api),
        crossdomain: true,
        raw_api: { enabled: true, allow_reload: true, allow_query: false, allow_update: false },
      },
    });
  });
});
