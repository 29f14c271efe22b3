import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { basicAuthMatches } from '../../../../src/adapters/http/basic-auth';
import { startOpsServer, type OpsServer } from '../../../../src/adapters/http/ops-server';
import { assessReadiness, type ReadinessReport } from '../../../../src/adapters/http/readiness';
import { createLogger } from '../../../../src/adapters/logger';
import { readOpsEnv, readOpsPublicUrl } from '../../../../src/app/ops/read-ops-env';
import { basicAuth, opsGet } from '../../../support/ops-client';

const creds = { user: 'ops', password: 'correct horse battery' };

describe('basic auth', () => {
  it('accepts exactly the configured user and password', () => {
    expect(basicAuthMatches(basicAuth('ops', 'correct horse battery').authorization, creds)).toBe(true);
    expect(basicAuthMatches(basicAuth('ops', 'correct horse batterY').authorization, creds)).toBe(false);
    expect(basicAuthMatches(basicAuth('ops', 'correct horse battery!').authorization, creds)).toBe(false);
    expect(basicAuthMatches(basicAuth('root', 'correct horse battery').authorization, creds)).toBe(false);
    expect(basicAuthMatches(`Bearer ${Buffer.from('ops:correct horse battery').toString('base64')}`, creds)).toBe(false);
    expect(basicAuthMatches(undefined, creds)).toBe(false);
    expect(basicAuthMatches('Basic', { user: '', password: '' })).toBe(false);
  });
});

describe('ops settings from the environment', () => {
  it('has a metrics port per process kind, `off`, loopback unless told otherwise, and the dashboard off unless asked for', () => {
    expect(readOpsEnv({}, 'bot')).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(readOpsEnv({}, 'worker')).toEqual({ port: 9465, host: '127.0.0.1' });
    expect(readOpsEnv({ METRICS_PORT: 'off' }, 'bot')).toEqual({ host: '127.0.0.1' });
    expect(readOpsEnv({ METRICS_HOST: '' }, 'bot')).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(readOpsEnv({ METRICS_PORT: '9100', METRICS_HOST: '0.0.0.0' }, 'worker')).toEqual({ port: 9100, host: '0.0.0.0' });
    expect(() => readOpsEnv({ METRICS_PORT: 'nine' }, 'bot')).toThrow(/METRICS_PORT=nine is not a port/);
  });

  it('turns the dashboard on only with a long enough password, and only for the bot', () => {
    expect(() => readOpsEnv({ BULL_BOARD: 'on' }, 'bot')).toThrow(/needs BULL_BOARD_PASSWORD/);
    expect(() => readOpsEnv({ BULL_BOARD: 'on', BULL_BOARD_PASSWORD: 'short' }, 'bot')).toThrow(/at least 12 characters/);
    expect(() => readOpsEnv({ BULL_BOARD: 'yes', BULL_BOARD_PASSWORD: 'long enough password' }, 'bot')).toThrow(/set `on` or `off`/);
    expect(() => readOpsEnv({ BULL_BOARD: 'on', BULL_BOARD_PASSWORD: 'long enough password', METRICS_PORT: 'off' }, 'bot')).toThrow(
      /set METRICS_PORT/,
    );
    expect(readOpsEnv({ BULL_BOARD: 'on', BULL_BOARD_PASSWORD: 'long enough password' }, 'bot').dashboard).toEqual({
      basePath: '/queues',
      credentials: { user: 'operator', password: 'long enough password' },
    });
    expect(readOpsEnv({ BULL_BOARD: 'on', BULL_BOARD_PASSWORD: 'long enough password' }, 'worker').dashboard).toBeUndefined();
  });

  it('refuses weak dashboard credentials at startup, saying what is required and never echoing the password', () => {
    const refused: Array<[string, string, RegExp]> = [
      ['operator', ' '.repeat(12), /all whitespace/],
      ['operator', 'passwordpassword', /repeated pattern/],
      ['operator', 'abcabcabcabcabc', /repeated pattern/],
      ['operator', 'aaaaaaaaaaab', /only 2 different characters/],
      ['operator', 'Password2024!', /common password/],
      ['operator', 'qwertyuiopasdf', /keyboard or alphabet sequence/],
      ['operator', '123456789012', /keyboard or alphabet sequence/],
      ['operator', '2024-12-31 !!', /it has no letters/],
      ['marguerite', 'Marguerite#1', /the user name/],
      ['ops', 'shortpw', /has 7 characters/],
    ];
    for (const [user, password, why] of refused) {
      const attempt = () => readOpsEnv({ BULL_BOARD: 'on', BULL_BOARD_USER: user, BULL_BOARD_PASSWORD: password }, 'bot');
      expect(attempt).toThrow(why);
      expect(attempt).toThrow(
        /BULL_BOARD_PASSWORD is too weak .*: use at least 12 characters, 6 or more different, with letters, that are not a repeated pattern, a keyboard sequence, a common password or the user name, e\.g\. from `openssl rand -base64 24`/,
      );
      if (password.trim().length > 3) expect(attempt).not.toThrow(password);
    }
    expect(() => readOpsEnv({ BULL_BOARD: 'on', BULL_BOARD_USER: '', BULL_BOARD_PASSWORD: 'correct horse battery' }, 'bot')).toThrow(
      'BULL_BOARD_USER is empty: set a user name, or leave it unset for `operator`',
    );
    expect(() => readOpsEnv({ BULL_BOARD: 'on', BULL_BOARD_USER: '   ', BULL_BOARD_PASSWORD: 'correct horse battery' }, 'bot')).toThrow(
      /BULL_BOARD_USER is empty/,
    );
    expect(() => readOpsEnv({ BULL_BOARD: 'on', BULL_BOARD_USER: 'a:b', BULL_BOARD_PASSWORD: 'correct horse battery' }, 'bot')).toThrow(
      /contains `:`/,
    );
    for (const password of ['correct horse battery', 'board-password-for-tests', 'q7Vf+2mZ/xKp9wR1sT0aLd8e']) {
      expect(readOpsEnv({ BULL_BOARD: 'on', BULL_BOARD_PASSWORD: password }, 'bot').dashboard?.credentials).toEqual({
        user: 'operator',
        password,
      });
    }
  });
});

describe('readiness', () => {
  it('is ready only when every check passes in time', async () => {
    const ok = { name: 'a', run: () => Promise.resolve('fine') };
    expect(await assessReadiness([ok])).toEqual({ ready: true, checks: [{ name: 'a', ok: true, detail: 'fine' }] });
    const slow = { name: 'slow', run: () => new Promise<string>(() => undefined) };
    const bad = { name: 'bad', run: () => Promise.reject(new Error('no redis')) };
    const report = await assessReadiness([ok, slow, bad], 50);
    expect(report.ready).toBe(false);
    expect(report.checks).toEqual([
      { name: 'a', ok: true, detail: 'fine' },
      { name: 'slow', ok: false, detail: 'no answer within 50 ms' },
      { name: 'bad', ok: false, detail: 'no redis' },
    ]);
  });
});

describe('ops server', () => {
  let server: OpsServer;
  let report: ReadinessReport = { ready: true, checks: [] };
  const seen: string[] = [];
  const start = (dashboard: boolean) =>
    startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: { contentType: 'text/plain; version=0.0.4', text: () => Promise.resolve('srs_chatops_jobs_total 3\n') },
      ready: () => Promise.resolve(report),
      ...(dashboard
        ? {
            dashboard: {
              basePath: '/queues',
              credentials: creds,
              handler: (req: IncomingMessage, res) => (seen.push(req.url ?? ''), res.end('board')),
            },
          }
        : {}),
      logger: createLogger('test'),
    });
  afterEach(() => server.close());

  it('serves /metrics, /healthz, /readyz (503 when not ready); no dashboard unless configured', async () => {
    server = await start(false);
    const metrics = await opsGet(server.port, '/metrics');
    expect([metrics.status, metrics.headers['content-type'], metrics.body]).toEqual([
      200,
      'text/plain; version=0.0.4',
      'srs_chatops_jobs_total 3\n',
    ]);
    expect((await opsGet(server.port, '/healthz')).body).toBe('{"status":"ok"}');
    expect((await opsGet(server.port, '/readyz')).status).toBe(200);
    report = { ready: false, checks: [{ name: 'redis', ok: false, detail: 'down' }] };
    const notReady = await opsGet(server.port, '/readyz');
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toEqual({ status: 'not ready', checks: [{ name: 'redis', ok: false, detail: 'down' }] });
    expect((await opsGet(server.port, '/queues', basicAuth(creds.user, creds.password))).status).toBe(404);
    expect((await opsGet(server.port, '/nothing')).status).toBe(404);
  });

  it('hands the dashboard only requests with the right credentials, under its base path', async () => {
    server = await start(true);
    const refused = await opsGet(server.port, '/queues/api/queues');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Basic realm="srs-chatops queues", charset="UTF-8"');
    expect((await opsGet(server.port, '/queues', basicAuth('ops', 'wrong'))).status).toBe(401);
    expect(seen).toEqual([]);
    const ok = await opsGet(server.port, '/queues/api/queues?x=1', basicAuth(creds.user, creds.password));
    expect([ok.status, ok.body]).toEqual([200, 'board']);
    expect(seen).toEqual(['/api/queues?x=1']);
    // The base path does not match look-alikes.
    expect((await opsGet(server.port, '/queuesX', basicAuth(creds.user, creds.password))).status).toBe(404);
  });
});

describe('ops server: job output', () => {
  let server: OpsServer;
  afterEach(() => server.close());
  const JOB = 'r-mx51t6mp-b199cb-edge-1';
  const text = '===== step 1/1 =====\n$ systemctl restart srs\nhéllo ✓\n';

  it('serves a job output only with the dashboard credentials, byte for byte, with its SHA-256 recomputed', async () => {
    server = await startOpsServer({
      port: 0,
      metrics: { contentType: 'text/plain', text: () => Promise.resolve('') },
      ready: () => Promise.resolve({ ready: true, checks: [] }),
      outputs: { credentials: creds, get: (id) => Promise.resolve(id === JOB ? { text, sha256: 'stale-field-not-trusted' } : undefined) },
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
    });
    const refused = await opsGet(server.port, `/output/${JOB}`);
    expect(refused.status).toBe(401);
    expect(refused.body).toBe('');
    expect((await opsGet(server.port, `/output/${JOB}`, basicAuth('ops', 'wrong'))).status).toBe(401);
    const ok = await opsGet(server.port, `/output/${JOB}`, basicAuth(creds.user, creds.password));
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(ok.body).toBe(text);
    expect(ok.headers['x-output-sha256']).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect((await opsGet(server.port, '/output/r-mx51t6mp-b199cb-edge-9', basicAuth(creds.user, creds.password))).status).toBe(404);
    expect((await opsGet(server.port, '/output/..%2Fetc', basicAuth(creds.user, creds.password))).status).toBe(404);
  });

  it('reads OPS_PUBLIC_URL: an http(s) address without credentials, trailing slashes dropped', () => {
    expect(readOpsPublicUrl({})).toBeUndefined();
    expect(readOpsPublicUrl({ OPS_PUBLIC_URL: 'https://ops.example.com/' })).toBe('https://ops.example.com');
    expect(() => readOpsPublicUrl({ OPS_PUBLIC_URL: 'ops.example.com' })).toThrow(/not a URL/);
    expect(() => readOpsPublicUrl({ OPS_PUBLIC_URL: 'ftp://ops.example.com' })).toThrow(/http\(s\)/);
    expect(() => readOpsPublicUrl({ OPS_PUBLIC_URL: 'https://u:p@ops.example.com' })).toThrow(/credentials/);
  });
});
