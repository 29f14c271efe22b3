import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../../../config/load-config';
import type { UpgradeJobOptions } from '../../../../src/ports/job-queue-port';
import { hostIdentity } from '../../../../src/core/rollout/host-identity';
import type { HostSnapshot } from '../../../../src/core/verb-result';
import type { HostContext } from '../../../../src/worker/srs/host-context';
import type { ObservedHost } from '../../../../src/worker/srs/snapshot';
import { fingerprint } from '../../../../src/adapters/ssh/known-hosts';
import { pinnedFingerprints } from '../../../../src/adapters/ssh/pinned-fingerprints';
import type { UpgradeJob } from '../../../../src/ports/upgrade-job-port';
import { upgrade } from '../../../../src/worker/verbs/upgrade';

const config = parseConfig(
  {
    ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent/known_hosts' },
    hosts: [
      { name: 'edge-1', address: '10.0.0.1' },
      { name: 'edge-2', address: '10.0.0.2', port: 2202 },
      { name: 'edge-3', address: '10.0.0.3' },
      { name: 'edge-4', address: '10.0.0.4' },
    ],
  },
  'test',
);
const host = (name: string) => {
  const h = config.hosts.find((x) => x.name === name);
  if (!h) throw new Error(name);
  return h;
};

/** A fresh ed25519 public key blob, as known_hosts carries it. */
function keyBlob(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
}

describe('pinned host keys, as the workers pin them (what a plan binds)', () => {
  it('names each pinned host its key fingerprint; unpinned, revoked and unreadable leave it out', () => {
    const k1 = keyBlob();
    const k2 = keyBlob();
    const k3 = keyBlob();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pinned-'));
    const file = path.join(dir, 'known_hosts');
    const line = (hosts: string, k: Buffer) => `${hosts} ssh-ed25519 ${k.toString('base64')}`;
    fs.writeFileSync(
      file,
      [line('10.0.0.1', k1), line('[10.0.0.2]:2202', k2), line('10.0.0.3', k3), `@revoked ${line('10.0.0.3', k3)}`].join('\n') + '\n',
    );
    const keys = pinnedFingerprints({ ...config, ssh: { ...config.ssh, knownHostsPath: file } });
    expect(keys.get('edge-1')).toBe(fingerprint(k1));
    expect(keys.get('edge-2')).toBe(fingerprint(k2));
    expect(keys.has('edge-3')).toBe(false); // its only key is revoked
    expect(keys.has('edge-4')).toBe(false); // not pinned
    expect(pinnedFingerprints(config).size).toBe(0); // the file cannot be read: nothing is pinned
    fs.rmSync(dir, { recursive: true });
  });
});

describe('the worker checks an upgrade against the approved plan', () => {
  const running = (version: string): HostSnapshot => ({
    state: 'running',
    apiUp: true,
    version,
    pid: 10,
    serviceId: 's1',
    streams: 1,
    publishers: 1,
  });
  const options = (over: Partial<UpgradeJobOptions> = {}): UpgradeJobOptions => ({
    version: '6.0.185',
    from: '6.0.184',
    rollback: false,
    healthTimeoutMs: 1000,
    planHash: 'a'.repeat(64),
    forceAtDeadline: false,
    install: ['/bin/false'],
    ...over,
  });
  function contextFor(name: string, o: UpgradeJobOptions): { ctx: HostContext; stages: string[] } {
    const stages: string[] = [];
    const job: UpgradeJob = {
      options: o,
      install: o.install,
      installTimeoutMs: 1000,
      stage: (s) => {
        stages.push(s);
        return Promise.resolve();
      },
      stopRequested: () => Promise.resolve(undefined),
      loadBaseline: () => Promise.resolve(undefined),
      saveBaseline: () => Promise.reject(new Error('no baseline may be saved: nothing may be installed')),
    };
    const h = host(name);
    // Only what the checks before any remote command read: a step past them would fail on the missing parts.
    const ctx = {
      hostConfig: h,
      target: { name: h.name, address: h.address, port: h.port, user: h.user ?? config.ssh.user },
      upgrade: job,
      grace: {},
    } as unknown as HostContext;
    return { ctx, stages };
  }
  const observed = (s: HostSnapshot) => ({ snapshot: s, probe: {} }) as unknown as ObservedHost;

  it('a host already on the target version is refused: not on the planned version, nothing installed or restarted', async () => {
    const { ctx, stages } = contextFor('edge-1', options());
    const step = await upgrade(ctx, observed(running('6.0.185')));
    expect(step.outcome).toBe('refused');
    expect(step.errorCode).toBe('plan_changed');
    expect(step.summary).toBe(
      'not upgraded: it already runs 6.0.185, but the approved plan said 6.0.184; the approval does not hold (it is not on the planned version): nothing was installed or restarted',
    );
    expect(stages).toEqual(['snapshot']);
  });

  it("a host name that this worker's inventory points at another machine than the plan's is refused before anything", async () => {
    const planned = hostIdentity({ ...host('edge-1'), address: '10.0.0.9', srsRoot: '/opt/srs' }, 'srsops', 'SHA256:k');
    const { ctx, stages } = contextFor('edge-1', options({ identity: planned }));
    const step = await upgrade(ctx, observed(running('6.0.184')));
    expect(step.outcome).toBe('refused');
    expect(step.errorCode).toBe('plan_changed');
    expect(step.summary).toBe(
      "not upgraded: edge-1 points at another machine than the approved plan's (address 10.0.0.9:22 → 10.0.0.1:22; SRS root /opt/srs → /usr/local/srs); the approval does not hold, nothing was installed or restarted",
    );
    expect(stages).toEqual([]);
  });
});
