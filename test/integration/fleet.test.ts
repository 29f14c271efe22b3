import fs from 'node:fs';
import { Redis } from 'ioredis';
import { Client } from 'ssh2';
import { parse } from 'yaml';
import { parseConfig } from '../../config/load-config';
import type { FleetHost } from '../support/fleet';
import { runSsh } from '../support/ssh-client';
import { isPortOpen } from '../support/tcp-probe';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';

/** GET a path from the host's SRS API through the SSH connection (direct-tcpip), as the bot does. */
function apiGetThroughSsh(fleetKey: string, host: FleetHost, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.forwardOut('127.0.0.1', 0, '127.0.0.1', host.ports.api, (err, channel) => {
          if (err) {
            client.end();
            reject(err);
            return;
          }
          let answer = '';
          channel.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
          channel.on('close', () => {
            client.end();
            resolve(answer);
          });
          channel.end(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
        });
      })
      .on('error', reject)
      .connect({ host: host.address, port: host.sshPort, username: 'root', privateKey: fs.readFileSync(fleetKey), readyTimeout: 5000 });
  });
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string): string => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

describe('test fleet (real OpenSSH sshd + SRS simulator per host)', () => {
  const { fleet, redisUrl } = getTestRun();
  let initd: FleetHost[] = [];
  let systemd: FleetHost;

  beforeAll(async () => {
    initd = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
    [systemd] = (await claimHosts(1, { serviceManager: 'systemd' })) as [FleetHost];
  });

  afterAll(async () => {
    for (const host of initd) await fleet.thawHost(host.name).catch(() => undefined);
    releaseHosts([...initd, systemd]);
  });

  const host = (index: number): FleetHost => initd[index] as FleetHost;

  test('the ssh client runs the init.d status on a claimed host', async () => {
    const result = await runSsh(fleet, host(0), `${host(0).initdLink} status`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(stripAnsi(result.stdout)).toMatch(/SRS\(pid \d+\) is running\./);
  });

  test('the SRS API answers through the SSH connection (direct-tcpip)', async () => {
    const answer = await apiGetThroughSsh(fleet.clientKeyPath, host(0), '/api/v1/versions');
    expect(answer).toMatch(/^HTTP\/1\.[01] 200/);
    expect(answer).toContain('"version":"6.0.184"');
  });

  test('a systemd host runs SRS under its unit', async () => {
    const result = await runSsh(fleet, systemd, `${systemd.systemctl} is-active srs`);
    expect(result.stdout.trim()).toBe('active');
    expect(result.code).toBe(0);
  });

  test('a rotated host key is refused by a strict client', async () => {
    await fleet.rotateHostKey(host(1).name);
    const result = await runSsh(fleet, host(1), 'true');
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  test('resetHost restores the pinned host key', async () => {
    await fleet.resetHost(host(1).name);
    const result = await runSsh(fleet, host(1), 'true');
    expect(result.code).toBe(0);
  });

  test('a frozen host accepts TCP but never answers, so the client times out', async () => {
    await fleet.freezeHost(host(2).name);
    try {
      expect(await isPortOpen(host(2).sshPort)).toBe(true);
      const result = await runSsh(fleet, host(2), 'true', ['ConnectTimeout=2']);
      expect(result.code).toBe(255);
      expect(result.stderr).toMatch(/timed out/i);
      expect(result.durationMs).toBeGreaterThanOrEqual(1900);
      expect(result.durationMs).toBeLessThan(10_000);
    } finally {
      await fleet.thawHost(host(2).name);
    }
    expect((await runSsh(fleet, host(2), 'true')).code).toBe(0);
  });

  test('a stopped sshd refuses connections and comes back on start', async () => {
    await fleet.stopSshd(host(2).name);
    expect(fleet.host(host(2).name).sshdPid).toBe(0);
    const refused = await runSsh(fleet, host(2), 'true', ['ConnectTimeout=2']);
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Connection refused/);
    await fleet.startSshd(host(2).name);
    expect((await runSsh(fleet, host(2), 'true')).code).toBe(0);
  });

  test('the shared redis-server answers PING', async () => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });

  test('toConfigYaml produces a config the bot schema accepts', () => {
    const config = parseConfig(parse(fleet.toConfigYaml()), 't');
    expect(config.hosts).toHaveLength(fleet.hosts.length);
    expect(config.hosts.length).toBeGreaterThanOrEqual(48);
    expect(config.hosts.filter((h) => h.name.startsWith('r')).map((h) => h.srsRoot)).toHaveLength(12); // the real SRS hosts
    expect(config.ssh.knownHostsPath).toBe(fleet.knownHostsPath);
    const h19 = config.hosts.find((entry) => entry.name === 'h19');
    expect(h19?.serviceManager).toBe('systemd');
    expect(h19?.groups).toEqual(['systemd', 'srs6']);
    const fleetH19 = fleet.host('h19');
    expect(h19?.api).toBe(`127.0.0.1:${fleetH19.ports.api}`);
    expect(h19?.system.systemctl).toBe(fleetH19.systemctl);

    const partial = parseConfig(
      parse(fleet.toConfigYaml({ hostNames: ['h01', 'h02'], rename: { h01: 'edge-1' }, extra: { worker: { concurrency: 5 } } })),
      't',
    );
    expect(partial.hosts.map((entry) => entry.name)).toEqual(['edge-1', 'h02']);
    expect(partial.worker.concurrency).toBe(5);
    expect(partial.worker.startSettleMs).toBe(1500);
  });
});
