/**
 * The practical floor: a bare ssh2 script that connects to every host at once (host keys checked against
 * known_hosts), runs the init.d `status` on each, and prints `{ ms, ok, failed }` as JSON on stdout. `ms` is measured
 * inside the script, from the first connect to the last result (node and module start-up excluded).
 *
 * Usage: node --import tsx bench/ssh2-floor.ts SPEC.json   (SPEC: see FloorSpec)
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import { parseKnownHosts, verifyHostKey } from '../src/adapters/ssh/known-hosts';

export interface FloorSpec {
  user: string;
  privateKeyPath: string;
  knownHostsPath: string;
  connectTimeoutMs: number;
  hosts: Array<{ name: string; port: number; initScript: string }>;
}

export interface FloorResult {
  ms: number;
  ok: number;
  failed: Array<{ name: string; error: string }>;
}

function statusOn(
  spec: FloorSpec,
  privateKey: string,
  entries: ReturnType<typeof parseKnownHosts>,
  host: FloorSpec['hosts'][number],
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const conn = new Client();
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.end();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error('timed out after 30 s')), 30_000);
    conn.on('ready', () => {
      conn.exec(`${host.initScript} status`, (err, ch) => {
        if (err) {
          finish(err);
          return;
        }
        let code: number | null = null;
        ch.on('data', () => undefined);
        ch.stderr.on('data', () => undefined);
        ch.on('exit', (c: number | null) => (code = c));
        ch.on('close', () => finish(code === 0 ? undefined : new Error(`status exited ${String(code)}`)));
      });
    });
    conn.on('error', (err) => finish(err));
    conn.connect({
      host: '127.0.0.1',
      port: host.port,
      username: spec.user,
      privateKey,
      readyTimeout: spec.connectTimeoutMs,
      hostVerifier: (key: Buffer) => verifyHostKey(entries, '127.0.0.1', host.port, key).kind === 'match',
    });
  });
}

/**
 * What one remote command costs on this fleet once connected: `true` run 7 times, one after another, on one
 * connection to the first host (TCP_NODELAY on); prints `{ execMs: [...] }`. On a local fleet every host's shell
 * start-up runs on this machine's CPUs, so a heavy login shell (~/.bashrc) weighs on every tool and on the bot.
 */
async function execCost(spec: FloorSpec, privateKey: string, entries: ReturnType<typeof parseKnownHosts>): Promise<number[]> {
  const host = spec.hosts[0];
  if (!host) throw new Error('no hosts');
  const conn = new Client();
  await new Promise<void>((resolve, reject) => {
    conn.on('ready', () => resolve());
    conn.on('error', reject);
    conn.connect({
      host: '127.0.0.1',
      port: host.port,
      username: spec.user,
      privateKey,
      readyTimeout: spec.connectTimeoutMs,
      hostVerifier: (key: Buffer) => verifyHostKey(entries, '127.0.0.1', host.port, key).kind === 'match',
    });
  });
  conn.setNoDelay(true);
  const out: number[] = [];
  try {
    for (let i = 0; i < 7; i += 1) {
      const t = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        conn.exec('true', (err, ch) => {
          if (err) {
            reject(err);
            return;
          }
          ch.on('data', () => undefined);
          ch.on('close', () => resolve());
        });
      });
      out.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  } finally {
    conn.end();
  }
  return out;
}

async function main(): Promise<void> {
  const specPath = process.argv[2];
  if (specPath === undefined) throw new Error('usage: ssh2-floor.ts SPEC.json [--exec-cost]');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as FloorSpec;
  const privateKey = readFileSync(spec.privateKeyPath, 'utf8');
  const entries = parseKnownHosts(readFileSync(spec.knownHostsPath, 'utf8'));
  if (process.argv[3] === '--exec-cost') {
    process.stdout.write(`${JSON.stringify({ execMs: await execCost(spec, privateKey, entries) })}\n`);
    return;
  }
  const started = process.hrtime.bigint();
  const settled = await Promise.allSettled(spec.hosts.map((h) => statusOn(spec, privateKey, entries, h)));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const failed: FloorResult['failed'] = [];
  settled.forEach((s, i) => {
    if (s.status === 'rejected')
      failed.push({ name: spec.hosts[i]?.name ?? '?', error: s.reason instanceof Error ? s.reason.message : String(s.reason) });
  });
  const result: FloorResult = { ms, ok: spec.hosts.length - failed.length, failed };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`ssh2-floor: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
