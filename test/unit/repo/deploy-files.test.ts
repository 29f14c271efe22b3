import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REQUIRED_BOT_SCOPES, SLASH_COMMAND } from '../../../src/adapters/slack/required-scopes';
import { DEFAULT_METRICS_PORT } from '../../../src/app/ops/read-ops-env';

const root = path.join(__dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** A systemd unit as section -> key -> values (keys may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section?.[1]) {
      current = new Map();
      sections.set(section[1], current);
      continue;
    }
    const i = line.indexOf('=');
    if (!current || i <= 0) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, i);
    current.set(key, [...(current.get(key) ?? []), line.slice(i + 1)]);
  }
  return sections;
}

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  env_file?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  container_name?: string;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  restart?: string;
}

describe('slack-app-manifest.yml', () => {
  const manifest = parse(read('slack-app-manifest.yml')) as {
    features: { slash_commands: Array<{ command: string }>; bot_user: { display_name: string } };
    oauth_config: { scopes: { bot: string[]; user?: string[] } };
    settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
  };

  it('declares the /srs command, interactivity (buttons) and Socket Mode', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
    expect(SLASH_COMMAND).toBe('/srs');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.features.bot_user.display_name).toBe('srs-chatops');
  });

  it('asks for exactly the bot scopes doctor requires: least privilege, no user scopes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...REQUIRED_BOT_SCOPES].sort());
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const svc = (name: string): ComposeService => {
    const s = compose.services[name];
    if (!s) throw new Error(`no service ${name}`);
    return s;
  };

  it('runs redis, bot and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot', 'redis', 'worker']);
    expect(svc('bot').command).toEqual(['bot']);
    expect(svc('worker').command).toEqual(['worker']);
    expect(svc('bot').build).toBe('.');
  });

  it('Redis persists with AOF on a volume, never evicts, and has a healthcheck the others wait for', () => {
    const redis = svc('redis');
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.command?.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.volumes).toContain('redis-data:/data');
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    for (const name of ['bot', 'worker']) expect(svc(name).depends_on?.redis).toEqual({ condition: 'service_healthy' });
  });

  it('the worker scales (no fixed name or host port); secrets come from .env; config, key and known_hosts are read-only', () => {
    const worker = svc('worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    for (const name of ['bot', 'worker']) {
      expect(svc(name).env_file).toBe('.env');
      expect(JSON.stringify(svc(name).environment)).not.toMatch(/SLACK_BOT_TOKEN|SLACK_SIGNING_SECRET|PASSWORD/);
      expect(svc(name).volumes).toContain('./config/srs-chatops.yml:/etc/srs-chatops/srs-chatops.yml:ro');
    }
    expect(worker.volumes).toEqual(
      expect.arrayContaining([
        './secrets/id_ed25519:/etc/srs-chatops/id_ed25519:ro',
        './secrets/known_hosts:/etc/srs-chatops/known_hosts:ro',
      ]),
    );
    expect(svc('bot').volumes?.some((v) => v.includes('id_ed25519'))).toBe(false);
  });

  it('bot and worker are hardened, restart, and check their own /healthz on their metrics port', () => {
    for (const [name, port] of [
      ['bot', DEFAULT_METRICS_PORT.bot],
      ['worker', DEFAULT_METRICS_PORT.worker],
    ] as const) {
      const s = svc(name);
      expect([s.read_only, s.cap_drop, s.security_opt, s.restart]).toEqual([true, ['ALL'], ['no-new-privileges:true'], 'unless-stopped']);
      expect(s.environment?.METRICS_PORT).toBe(String(port));
      // The default is loopback: inside a container the mapped or scraped port must listen on every interface.
      expect(s.environment?.METRICS_HOST).toBe('0.0.0.0');
      expect(s.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/healthz`);
    }
    expect(svc('bot').ports).toContain(`127.0.0.1:${DEFAULT_METRICS_PORT.bot}:${DEFAULT_METRICS_PORT.bot}`);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage and runs as a non-root user', () => {
    const text = read('Dockerfile');
    expect(text.match(/^FROM /gm)).toHaveLength(2);
    const runtime = text.slice(text.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER 10001:10001$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "dist\/src\/cli\/main\.js"\]$/m);
    expect(runtime).not.toMatch(/npm ci|tsc/);
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['.env', 'secrets', 'node_modules']));
  });
});

describe('systemd units', () => {
  const units = { bot: 'deploy/systemd/srs-chatops-bot.service', worker: 'deploy/systemd/srs-chatops-worker@.service' } as const;

  it.each(Object.entries(units))('%s: a dedicated user, a restart policy, secrets from a root-owned file, hardening', (kind, file) => {
    const unit = parseUnit(read(file));
    const service = unit.get('Service');
    const get = (key: string) => service?.get(key) ?? [];
    expect(get('User')).toEqual(['srs-chatops']);
    expect(get('Restart')).toEqual(['always']);
    expect(get('ExecStart')).toEqual([`/usr/bin/node /opt/srs-chatops/dist/src/cli/main.js ${kind}`]);
    expect(get('EnvironmentFile')).toEqual(['/etc/srs-chatops/srs-chatops.env']);
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['CapabilityBoundingSet', ''],
      ['RestrictSUIDSGID', 'yes'],
    ]) {
      expect([key, get(key as string)]).toEqual([key, [value]]);
    }
    expect(get('MemoryDenyWriteExecute')).toEqual([]); // Node's JIT needs it off
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('the worker template takes its metrics port (and worker id) from the instance name', () => {
    const env = parseUnit(read(units.worker)).get('Service')?.get('Environment') ?? [];
    expect(env).toEqual(expect.arrayContaining(['METRICS_PORT=%i', 'WORKER_ID=%H-%i', 'METRICS_HOST=127.0.0.1']));
    expect(parseUnit(read(units.bot)).get('Service')?.get('Environment')).toEqual(
      expect.arrayContaining(['METRICS_PORT=9464', 'METRICS_HOST=127.0.0.1']),
    );
    expect(read('deploy/systemd/srs-chatops.sysusers.conf')).toMatch(/^u srs-chatops - /m);
  });
});
