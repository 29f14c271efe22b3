import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnyAuthMethod, AuthenticationType } from 'ssh2';
import { AuthPlan } from '../../../../src/adapters/ssh/auth-plan';
import { describeAuth, type Identity } from '../../../../src/adapters/ssh/identity';
import { loadKeyIdentity } from '../../../../src/adapters/ssh/key-identity';
import { RecordingAgent } from '../../../../src/adapters/ssh/recording-agent';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-plan-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function keyFile(name: string): string {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return file;
}

/** The methods the plan hands ssh2, one per call of its authHandler, until it says false. */
function methods(plan: AuthPlan): Array<AuthenticationType | AnyAuthMethod | false> {
  const out: Array<AuthenticationType | AnyAuthMethod | false> = [];
  for (let i = 0; i < 10; i++) {
    let given: AuthenticationType | AnyAuthMethod | false | undefined;
    plan.handler(null, null, (m) => (given = m));
    out.push(given ?? false);
    if (given === false) break;
  }
  return out;
}

describe('auth plan (ssh2 authHandler)', () => {
  it('hands ssh2 the key files in order, then the agent, then false; records the one being tried when it succeeds', () => {
    const a = loadKeyIdentity(keyFile('a'), undefined);
    const b = loadKeyIdentity(keyFile('b'), undefined);
    const ids: Identity[] = [a, b, { kind: 'agent', socket: path.join(dir, 'agent.sock') }];
    const plan = new AuthPlan(ids, 'srsops');
    expect(plan.used()).toBeUndefined();
    const given = methods(plan);
    expect(given.map((m) => (typeof m === 'object' ? [m.type, m.username] : m))).toEqual([
      ['publickey', 'srsops'],
      ['publickey', 'srsops'],
      ['agent', 'srsops'],
      false,
    ]);
    const [first, second, third] = given;
    expect(first).toMatchObject({ key: a.key });
    expect(second).toMatchObject({ key: b.key });
    expect((third as { agent: unknown }).agent).toBeInstanceOf(RecordingAgent);
    expect(plan.tried()).toBe(`key ${a.path} (${a.fingerprint}); key ${b.path} (${b.fingerprint}); agent ${path.join(dir, 'agent.sock')}`);
  });

  it('records the key file that was accepted (no key material in the record)', () => {
    const a = loadKeyIdentity(keyFile('c'), undefined);
    const b = loadKeyIdentity(keyFile('d'), undefined);
    const plan = new AuthPlan([a, b], 'srsops');
    plan.handler(null, null, () => undefined); // a: refused by the server
    plan.handler(null, null, () => undefined); // b: accepted (ssh2 asks no more)
    const used = plan.used();
    expect(used).toEqual({ kind: 'key', path: b.path, fingerprint: b.fingerprint, keyType: 'ssh-ed25519' });
    expect(describeAuth(used ?? { kind: 'key', path: '', fingerprint: '', keyType: '' })).toBe(`key ${b.path} ed25519 ${b.fingerprint}`);
    expect(JSON.stringify(used)).not.toMatch(/PRIVATE KEY/);
  });
});
