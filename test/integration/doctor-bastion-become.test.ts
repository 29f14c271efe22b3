import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { runDoctor } from '../../src/cli/doctor/run-doctor';
import { ensureLoginUser } from '../support/become/login-user';
import { installHelper, type HelperInstall } from '../support/become/install-helper';
import { installSudoers, type SudoersDropIn } from '../support/become/sudoers';
import { SIM_INSTALL } from '../support/become/become-fleet';
import { allocatePorts } from '../support/free-port';
import { installHost, type InstalledHost } from '../support/fleet/srs-sim';
import { startBastionChain, type BastionChain } from '../support/netns/bastion-chain';
import { execIn } from '../support/netns/netns';
import { getTestRun } from '../support/test-run';
import { waitUntil } from '../support/wait-until';

/**
 * Everything issue 18 asks of doctor at once, on real sshd, sudo and namespaces: a host reachable only through two
 * bastions, every hop logged into as a non-root user, `become: sudo` with only the narrow rule. `--trust-new` pins
 * the second bastion through the first and the host through both; then doctor shows the path, the identity, the
 * login, the sudo rule and the inventory source, and passes. (DOCTOR_SAMPLE_OUT, when set, gets a copy of the output.)
 */
const USER = 'srsops18';

describe('doctor: a host behind two bastions, as a non-root login with the narrow sudo rule', () => {
  let chain: BastionChain;
  let srs: InstalledHost;
  let helper: HelperInstall;
  let sudoers: SudoersDropIn | undefined;
  let configFile: string;
  let api = 0;

  beforeAll(async () => {
    chain = await startBastionChain();
    try {
      await ensureLoginUser(USER);
      // Every hop's sshd reads the chain's authorized_keys as the login user: make it reachable for that user.
      fs.chmodSync(chain.dir, 0o755);
      fs.chmodSync(path.join(chain.dir, 'authorized_keys'), 0o644);
      const [rtmp = 0, http = 0, apiPort = 0] = await allocatePorts(3);
      api = apiPort;
      srs = await installHost({ hostDir: path.join(chain.dir, 'srs-host'), ports: { rtmp, http, api }, serviceManager: 'initd' });
      helper = installHelper(path.join(chain.dir, 'helper'), [srs.root]);
      const install = path.join(chain.dir, 'srs-host', 'usr', 'local', 'bin', 'srs-install');
      sudoers = await installSudoers(
        `srs-chatops-test-doctor-chain-${process.pid}`,
        `${USER} ALL=(root) NOPASSWD: ${helper.helper}, ${install}`,
      );
      // SRS runs as root in the target namespace, as a service would.
      expect((await execIn(chain.target.ns, srs.initScript, ['start'], 20_000)).code).toBe(0);
      await waitUntil(async () => (await execIn(chain.target.ns, 'ss', ['-Htln', `( sport = :${api} )`])).stdout.includes(`:${api}`), {
        timeoutMs: 15_000,
        description: 'the SRS API in the target namespace',
      });
      configFile = writeConfig(rtmp, http);
    } catch (err) {
      sudoers?.remove();
      await chain.stop();
      throw err;
    }
  }, 120_000);

  afterAll(async () => {
    sudoers?.remove();
    await chain?.stop();
  });

  /** The bot config: bastions and the host's group settings (jump chain, become), every hop logging in as USER. */
  function writeConfig(rtmp: number, http: number): string {
    const file = path.join(chain.dir, 'srs-chatops.yml');
    const doc = {
      ssh: { user: USER, privateKeyPath: chain.clientKeyPath, knownHostsPath: path.join(chain.dir, 'known_hosts.doctor') },
      upgrade: { install: SIM_INSTALL },
      bastions: [
        { name: 'bastion-1', address: chain.b1.address },
        { name: 'bastion-2', address: chain.b2.address },
      ],
      groups: { edges: { jump: ['bastion-1', 'bastion-2'], become: 'sudo' } },
      hosts: [
        {
          name: 'edge-1',
          address: chain.target.address,
          groups: ['edges'],
          srsRoot: srs.root,
          api: `127.0.0.1:${api}`,
          mediaPorts: [rtmp, http],
          system: {
            initdLink: srs.initdLink,
            rcRoot: srs.rcRoot,
            systemdUnitDir: srs.systemdUnitDir,
            systemctl: srs.systemctl,
            helper: helper.helper,
          },
        },
      ],
    };
    fs.writeFileSync(file, stringify(doc));
    // Only the first bastion is pinned to begin with: --trust-new must reach the others through it.
    const b1Lines = fs
      .readFileSync(chain.knownHostsPath, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(`${chain.b1.address} `));
    fs.writeFileSync(doc.ssh.knownHostsPath, `${b1Lines.join('\n')}\n`);
    return file;
  }

  async function doctor(args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const sink = { write: (t: string) => ((out += t), true) } as unknown as NodeJS.WritableStream;
    const code = await runDoctor(args, { SRS_CHATOPS_CONFIG: configFile, REDIS_URL: getTestRun().redisUrl, LOG_LEVEL: 'silent' }, sink);
    return { code, out };
  }

  const row = (out: string, host: string, check: string) =>
    out.split('\n').find((l) => l.startsWith(`${host} `) && l.includes(` ${check} `)) ?? '';

  it('--trust-new pins bastion-2 through bastion-1 and edge-1 through both, with the keys the hosts really have', async () => {
    const { out } = await doctor(['--trust-new']);
    expect(out).toMatch(new RegExp(`trusted on first use: bastion-2 ${chain.b2.address} \\(seen through bastion-1\\) ssh-ed25519 SHA256:`));
    expect(out).toMatch(
      new RegExp(`trusted on first use: edge-1 ${chain.target.address} \\(seen through bastion-1 → bastion-2\\) ssh-ed25519`),
    );
    const pinned = fs.readFileSync(path.join(chain.dir, 'known_hosts.doctor'), 'utf8');
    const real = (address: string) =>
      fs
        .readFileSync(chain.knownHostsPath, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${address} `));
    for (const address of [chain.b2.address, chain.target.address]) expect(pinned.split('\n')).toContain(real(address));
  }, 60_000);

  it('then passes, naming the path, the identity, the non-root login, the sudo rule and the inventory source', async () => {
    const { code, out } = await doctor([]);
    if (process.env.DOCTOR_SAMPLE_OUT) fs.writeFileSync(process.env.DOCTOR_SAMPLE_OUT, out);
    expect(row(out, '-', 'config')).toContain(`1 host from the hosts list in ${configFile}`);
    const ssh = row(out, 'edge-1', 'ssh');
    expect(ssh).toContain(
      `ok      ${USER}@${chain.target.address}:22 via ${USER}@bastion-1 (${chain.b1.address}:22) → ${USER}@bastion-2 (${chain.b2.address}:22)`,
    );
    expect(ssh).toMatch(/auth: key .*client ed25519 SHA256:\S+; host keys pinned \(3\)/);
    expect(row(out, 'edge-1', 'sudo')).toMatch(/ ok /);
    expect(row(out, 'edge-1', 'config test')).toMatch(/ ok /);
    expect(out).not.toMatch(/PROBLEM/);
    expect(code).toBe(0);
  }, 60_000);

  it('a rule widened to ALL is flagged, with the exact narrow snippet to use instead', async () => {
    await sudoers?.write(`${USER} ALL=(root) NOPASSWD: ALL`);
    const { code, out } = await doctor([]);
    expect(code).toBe(1);
    expect(row(out, 'edge-1', 'sudo')).toMatch(/PROBLEM/);
    expect(out).toContain(`${USER} ALL=(root) NOPASSWD: ${helper.helper}`);
  }, 60_000);
});
