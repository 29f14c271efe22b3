import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEMO_DIR_ENV,
  checkStateDirWritable,
  demoPaths,
  ensureOwnDirectory,
  isRunLive,
  ownRunRecord,
} from '../../../../scripts/demo/state';
import { DemoSetupError, demoMode, demoPeople, parseUserList, readUserConfig } from '../../../../scripts/demo/demo-config';

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-state-'));
});
afterEach(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describe('demo state: per checkout, and per user in the system temp dir', () => {
  it('keeps state under the checkout and port reservations in a temp dir named with the uid', () => {
    const root = demoPaths('/src/checkout', {}, 0, '/tmp');
    const other = demoPaths('/src/checkout', {}, 1000, '/tmp');
    expect(root.root).toBe('/src/checkout/.demo');
    expect(root.runFile).toBe('/src/checkout/.demo/run.json');
    expect(root.portDir).toBe('/tmp/srs-chatops-ports-0');
    expect(other.portDir).toBe('/tmp/srs-chatops-ports-1000');
    expect(demoPaths('/src/other', {}, 1000, '/tmp').root).toBe('/src/other/.demo');
    expect(demoPaths('/src/checkout', { [DEMO_DIR_ENV]: '/var/demo' }).root).toBe('/var/demo');
  });

  it('makes its own port directory (0700) and refuses one that belongs to another user', () => {
    const mine = path.join(scratch, 'srs-chatops-ports-mine');
    ensureOwnDirectory(mine);
    expect(fs.statSync(mine).mode & 0o777).toBe(0o700);
    ensureOwnDirectory(mine); // again: fine
    const uid = process.getuid?.() ?? 0;
    expect(() => ensureOwnDirectory(mine, uid + 1)).toThrow(/not a directory of this user .*belongs to uid/);
  });

  it('names a .demo left by another user (a run as root) with the command that removes it', () => {
    const root = path.join(scratch, '.demo');
    fs.mkdirSync(path.join(root, 'redis'), { recursive: true });
    fs.writeFileSync(path.join(root, 'redis', 'appendonly.aof'), '');
    const uid = process.getuid?.() ?? 0;
    expect(() => checkStateDirWritable(root, uid)).not.toThrow();
    // Seen by another user, every file of this one is foreign.
    expect(() => checkStateDirWritable(root, uid + 1000)).toThrow(
      /holds files of another user.*sudo rm -rf .*\.demo.*SRS_CHATOPS_DEMO_DIR/,
    );
    expect(() => checkStateDirWritable(path.join(scratch, 'absent'), uid + 1000)).not.toThrow();
  });

  (isRoot ? it : it.skip)('a second user can reserve ports after root did (no EACCES on a shared folder)', () => {
    // Root reserves a port in its own directory; then `nobody` reserves one with the demo's per-user directory.
    const script = (dir: string): string =>
      `process.env.SRS_CHATOPS_PORT_DIR=${JSON.stringify(dir)};` +
      `require(${JSON.stringify(path.resolve(__dirname, '../../../support/free-port.ts'))}).allocatePort().then((p)=>{console.log(p);process.exit(0)},(e)=>{console.error(e.message);process.exit(1)})`;
    // `nobody` must be able to run this node: a binary under /root (CI's Node 22/24 check) is not; the system's is.
    const othersMayRun = (file: string): boolean =>
      file.split('/').every((_, i, parts) => {
        const prefix = parts.slice(0, i + 1).join('/') || '/';
        return (fs.statSync(prefix).mode & 0o001) !== 0;
      });
    const node =
      [process.execPath, '/usr/bin/node', '/usr/local/bin/node'].find((f) => fs.existsSync(f) && othersMayRun(fs.realpathSync(f))) ??
      process.execPath;
    const run = (uid: number, dir: string) =>
      spawnSync(node, ['--require', require.resolve('tsx/cjs'), '-e', script(dir)], {
        encoding: 'utf8',
        cwd: path.resolve(__dirname, '../../../..'),
        timeout: 30_000,
        ...(uid === 0 ? {} : { uid, gid: uid }),
      });
    fs.chmodSync(scratch, 0o1777);
    const rootRun = run(0, demoPaths('/x', {}, 0, scratch).portDir);
    expect(rootRun.stderr).toBe('');
    expect(rootRun.status).toBe(0);
    const nobody = 65534;
    const second = run(nobody, demoPaths('/x', {}, nobody, scratch).portDir);
    expect(second.stderr).not.toMatch(/EACCES/);
    expect(second.status).toBe(0);
    expect(fs.statSync(path.join(scratch, 'srs-chatops-ports-65534')).uid).toBe(nobody);
  });

  it('tells a live run from a dead one by pid and start time', () => {
    const me = ownRunRecord();
    expect(me.pid).toBe(process.pid);
    expect(isRunLive(me)).toBe(false); // this process itself is never "another run"
    const child = spawnSync('true');
    expect(isRunLive({ ...me, pid: child.pid ?? 1 })).toBe(false);
    expect(isRunLive({ ...me, pid: process.ppid, startTicks: me.startTicks + 999_999 })).toBe(false);
  });
});

describe('demo people and modes', () => {
  it('console: alice (admin) and bob (operator, approver)', () => {
    const people = demoPeople({ kind: 'console' }, {}, {});
    expect(people).toEqual({
      roles: { admin: ['UALICE'], operator: ['UBOB'], viewer: [] },
      approvers: ['UBOB', 'UALICE'],
      consoleUser: 'UALICE',
    });
  });

  it('Slack: Socket Mode needs no signing secret; neither token is an error saying what to set', () => {
    expect(demoMode({ SLACK_BOT_TOKEN: 'xoxb', SLACK_APP_TOKEN: 'xapp' }, [])).toEqual({ kind: 'slack', socketMode: true });
    expect(demoMode({ SLACK_BOT_TOKEN: 'xoxb', SLACK_SIGNING_SECRET: 's' }, [])).toEqual({ kind: 'slack', socketMode: false });
    expect(demoMode({}, [])).toEqual({ kind: 'console' });
    expect(demoMode({ SLACK_BOT_TOKEN: 'xoxb' }, ['--fleet-only'])).toEqual({ kind: 'fleet-only' });
    expect(() => demoMode({ SLACK_BOT_TOKEN: 'xoxb' }, [])).toThrow(/SLACK_APP_TOKEN=xapp-.*Socket Mode[\s\S]*SLACK_SIGNING_SECRET/);
  });

  it('Slack: roles from the environment; approvers default to admins and operators; nobody set is an error with how to', () => {
    const slack = { kind: 'slack', socketMode: true } as const;
    const people = demoPeople(slack, { SRS_CHATOPS_DEMO_ADMINS: 'U0AAA1, U0BBB2', SRS_CHATOPS_DEMO_OPERATORS: 'U0CCC3' }, {});
    expect(people.roles).toEqual({ admin: ['U0AAA1', 'U0BBB2'], operator: ['U0CCC3'], viewer: [] });
    expect(people.approvers).toEqual(['U0AAA1', 'U0BBB2', 'U0CCC3']);
    const withApprover = demoPeople(slack, { SRS_CHATOPS_DEMO_ADMINS: 'U0AAA1', SRS_CHATOPS_DEMO_APPROVERS: 'U0DDD4' }, {});
    expect(withApprover.approvers).toEqual(['U0DDD4']);
    expect(withApprover.roles.viewer).toEqual(['U0DDD4']);
    expect(() => demoPeople(slack, {}, {})).toThrow(/SRS_CHATOPS_DEMO_ADMINS=U0123ABCD[\s\S]*SRS_CHATOPS_DEMO_CONFIG/);
    expect(() => demoPeople(slack, {}, { slack: { roles: { admin: ['U0AAA1'] } } })).not.toThrow();
    expect(() => parseUserList('SRS_CHATOPS_DEMO_ADMINS', 'U0AAA1,alice')).toThrow(DemoSetupError);
  });

  it('reads a user config file to merge, but not one that replaces the generated hosts', () => {
    const good = path.join(scratch, 'good.yml');
    fs.writeFileSync(good, 'slack:\n  roles:\n    admin: [U0AAA1]\n');
    expect(readUserConfig({ SRS_CHATOPS_DEMO_CONFIG: good }, [])).toEqual({ path: good, doc: { slack: { roles: { admin: ['U0AAA1'] } } } });
    expect(readUserConfig({}, ['--config', good]).path).toBe(good);
    const bad = path.join(scratch, 'bad.yml');
    fs.writeFileSync(bad, 'hosts: []\n');
    expect(() => readUserConfig({}, ['--config', bad])).toThrow(/leave out hosts/);
    expect(readUserConfig({}, [])).toEqual({ doc: {} });
  });
});
