import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPair } from '../fleet/ssh-keys';
import { renderKnownHosts } from '../fleet/known-hosts';
import { renderSshdConfig } from '../fleet/sshd-config';
import { SSHD_BINARY, testSshdConfig } from '../fleet/sshd-process';
import { runCommand } from '../run-command';
import { waitUntil } from '../wait-until';
import { execIn, ip, requireRoot, spawnIn } from './netns';

/** One namespace of the chain with its sshd: `b1`, `b2` (bastions) or `target`. */
export interface ChainNode {
  /** Namespace name (unique per run). */
  ns: string;
  /** The address the previous hop reaches it at. */
  address: string;
  /** sshd's ports (22, and the target's second port). */
  ports: number[];
  hostKeyPath: string;
  sshdLog: string;
}

/**
 * root ns ↔ b1 ↔ b2 ↔ target, each link its own /24 on a veth pair, no IP forwarding anywhere: the target is
 * reachable only by hopping over SSH through b1 then b2. Every node runs its own sshd (root login with
 * `clientKeyPath`); `knownHostsPath` pins all three. {@link BastionChain.stop} kills everything in the namespaces and
 * deletes them (the veth pairs go with them).
 */
export interface BastionChain {
  dir: string;
  b1: ChainNode;
  b2: ChainNode;
  target: ChainNode;
  /** The root namespace's end of the root ↔ b1 link. */
  rootAddress: string;
  clientKeyPath: string;
  knownHostsPath: string;
  /** Starts a program inside the target namespace (output in the chain's dir); killed by stop(). */
  spawnInTarget(file: string, args: readonly string[], logName: string): number;
  stop(): Promise<void>;
}

const NS_PREFIX = 'srs-chain-';
/** The target's second sshd port: a second target behind the same bastions. */
export const TARGET_SECOND_PORT = 2222;

/** Builds the chain (see {@link BastionChain}); on any failure what was built is removed before the error is thrown. */
export async function startBastionChain(): Promise<BastionChain> {
  requireRoot('the bastion chain');
  await sweepStaleChains();
  const id = randomBytes(3).toString('hex');
  const net = await freeSubnet();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `srs-chain-${id}-`));
  const names = {
    b1: `${NS_PREFIX}${process.pid}-${id}-b1`,
    b2: `${NS_PREFIX}${process.pid}-${id}-b2`,
    target: `${NS_PREFIX}${process.pid}-${id}-t`,
  };
  const stop = async () => {
    for (const ns of Object.values(names)) await removeNamespace(ns);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const ns of Object.values(names)) {
      await ip(['netns', 'add', ns]);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      await execIn(ns, 'sysctl', ['-qw', 'net.ipv4.ip_forward=0']);
    }
    await link({ ns: undefined, ifname: `sc${id}r`, address: `${net}.1.1` }, { ns: names.b1, ifname: `sc${id}a`, address: `${net}.1.2` });
    await link({ ns: names.b1, ifname: `sc${id}b`, address: `${net}.2.1` }, { ns: names.b2, ifname: `sc${id}c`, address: `${net}.2.2` });
    await link(
      { ns: names.b2, ifname: `sc${id}d`, address: `${net}.3.1` },
      { ns: names.target, ifname: `sc${id}e`, address: `${net}.3.2` },
    );
    const clientKeyPath = path.join(dir, 'client');
    const clientPub = await generateKeyPair(clientKeyPath, `chain-client-${id}`);
    fs.writeFileSync(path.join(dir, 'authorized_keys'), `${clientPub}\n`);
    const b1 = await startNodeSshd(dir, 'b1', names.b1, `${net}.1.2`, [22]);
    const b2 = await startNodeSshd(dir, 'b2', names.b2, `${net}.2.2`, [22]);
    const target = await startNodeSshd(dir, 'target', names.target, `${net}.3.2`, [22, TARGET_SECOND_PORT]);
    const knownHostsPath = path.join(dir, 'known_hosts');
    fs.writeFileSync(
      knownHostsPath,
      renderKnownHosts(
        [b1, b2, target].flatMap((n) =>
          n.ports.map((port) => ({ address: n.address, port, publicKey: fs.readFileSync(`${n.hostKeyPath}.pub`, 'utf8') })),
        ),
      ),
    );
    return {
      dir,
      b1,
      b2,
      target,
      rootAddress: `${net}.1.1`,
      clientKeyPath,
      knownHostsPath,
      spawnInTarget: (file, args, logName) => spawnIn(names.target, file, args, path.join(dir, logName)),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One end of a veth pair: in a namespace (undefined: the root namespace), its name and /24 address. */
interface LinkEnd {
  ns: string | undefined;
  ifname: string;
  address: string;
}

async function link(a: LinkEnd, b: LinkEnd): Promise<void> {
  await ip(['link', 'add', a.ifname, 'type', 'veth', 'peer', 'name', b.ifname]);
  for (const end of [a, b]) {
    if (end.ns !== undefined) await ip(['link', 'set', end.ifname, 'netns', end.ns]);
    const scope = end.ns !== undefined ? ['-n', end.ns] : [];
    await ip([...scope, 'addr', 'add', `${end.address}/24`, 'dev', end.ifname]);
    await ip([...scope, 'link', 'set', end.ifname, 'up']);
  }
}

/** A `10.N` prefix no interface of the root namespace uses yet. */
async function freeSubnet(): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const net = `10.${randomInt(100, 250)}`;
    const r = await runCommand('ip', ['-4', '-o', 'addr', 'show', 'to', `${net}.0.0/16`]);
    if (r.code === 0 && r.stdout.trim() === '') return net;
  }
  throw new Error('no free 10.N.0.0/16 for the bastion chain');
}

/** An sshd inside `ns`, listening on `address` (and its loopback) on `ports`, once it listens. */
async function startNodeSshd(dir: string, name: string, ns: string, address: string, ports: number[]): Promise<ChainNode> {
  const nodeDir = path.join(dir, name);
  fs.mkdirSync(nodeDir);
  const hostKeyPath = path.join(nodeDir, 'host_key');
  await generateKeyPair(hostKeyPath, `${name}-host`);
  const configPath = path.join(nodeDir, 'sshd_config');
  const [first = 22, ...more] = ports;
  const config = renderSshdConfig({
    port: first,
    hostKeyPath,
    pidPath: path.join(nodeDir, 'sshd.pid'),
    authorizedKeysPath: path.join(dir, 'authorized_keys'),
    extraDirectives: [...more.map((p) => `Port ${p}`), `ListenAddress ${address}`],
  });
  fs.writeFileSync(configPath, config);
  const complaint = await testSshdConfig(configPath);
  if (complaint) throw new Error(`sshd config of ${name}: ${complaint}`);
  const sshdLog = path.join(nodeDir, 'sshd.log');
  spawnIn(ns, SSHD_BINARY, ['-D', '-e', '-f', configPath], sshdLog);
  await waitUntil(
    async () => {
      const r = await execIn(ns, 'ss', ['-Htln', `( sport = :${first} )`]);
      return r.stdout.includes(`${address}:${first}`);
    },
    { timeoutMs: 10_000, description: `sshd of ${name} (${ns}) to listen on ${address}:${first}` },
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; sshd log: ${fs.existsSync(sshdLog) ? fs.readFileSync(sshdLog, 'utf8').slice(-500) : '(none)'}`);
  });
  return { ns, address, ports, hostKeyPath, sshdLog };
}

/** Kills every process in the namespace, then deletes it (its veth ends, and so their peers, go with it). */
async function removeNamespace(ns: string): Promise<void> {
  const pids = await runCommand('ip', ['netns', 'pids', ns]);
  for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await runCommand('ip', ['netns', 'del', ns]);
}

/** Chains left by a test process that died (its pid is in the namespace name) are removed. */
async function sweepStaleChains(): Promise<void> {
  const r = await runCommand('ip', ['netns', 'list']);
  for (const line of r.stdout.split('\n')) {
    const m = new RegExp(`^(${NS_PREFIX}(\\d+)-\\S+)`).exec(line);
    if (!m?.[1] || !m[2]) continue;
    if (processAlive(Number(m[2]))) continue;
    await removeNamespace(m[1]);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
