import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { APPEND_SCRIPT, APPEND_SCRIPT_SHA } from '../../../src/adapters/audit/append-script';
import { INDEX_PAGE_SCRIPT } from '../../../src/adapters/audit/index-page-script';
import { LUA_DIR, loadLua, luaNames } from '../../../src/adapters/redis/lua/load-lua';

const root = path.join(__dirname, '..', '..', '..');

/** Every .ts file under the given folders of the repository, as repository-relative paths. */
function tsFiles(...dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) out.push(rel);
    }
  };
  for (const dir of dirs) walk(dir);
  return out;
}

describe('Redis Lua scripts (src/adapters/redis/lua/*.lua, loadLua)', () => {
  it('the loader reads from its own folder, which holds the scripts', () => {
    expect(LUA_DIR).toBe(path.join(root, 'src', 'adapters', 'redis', 'lua'));
    expect(luaNames()).toEqual(
      expect.arrayContaining([
        'approval-approve',
        'approval-close',
        'approval-create',
        'audit-append',
        'audit-index-page',
        'host-lock-release',
        'host-lock-renew',
        'host-turn-take',
        'request-save-result',
        'rollout-create',
        'rollout-set-host',
        'rollout-transition',
      ]),
    );
  });

  it.each(luaNames())('%s.lua loads: its text byte for byte, its SHA-1, once', (name) => {
    const script = loadLua(name);
    const bytes = fs.readFileSync(path.join(LUA_DIR, `${name}.lua`));
    expect(script.name).toBe(name);
    expect(Buffer.from(script.source, 'utf8').equals(bytes)).toBe(true);
    expect(script.sha1).toBe(createHash('sha1').update(bytes).digest('hex'));
    expect(script.source).toContain('redis.call(');
    expect(script.source).not.toContain('\r');
    expect(loadLua(name)).toBe(script);
  });

  it('the audit scripts keep their exported text and SHA-1', () => {
    expect(APPEND_SCRIPT).toBe(loadLua('audit-append').source);
    expect(APPEND_SCRIPT_SHA).toBe(loadLua('audit-append').sha1);
    // The text the script had as a TypeScript string (and so the SHA-1 Redis caches it under) is unchanged.
    expect(APPEND_SCRIPT_SHA).toBe('dc9e2ab31175beb9e6ff598756b2a48eb9908bfa');
    expect(INDEX_PAGE_SCRIPT).toBe(loadLua('audit-index-page').source);
  });

  it('refuses names that are not plain script names, and says which file is missing', () => {
    for (const bad of ['', '../keys', 'audit-append.lua', 'Audit', 'a/b', '-x'])
      expect(() => loadLua(bad)).toThrow(/not a Lua script name/);
    expect(() => loadLua('no-such-script')).toThrow(/cannot read the Lua script no-such-script .*no-such-script\.lua/);
  });

  it('no Lua left in TypeScript: no redis.call( in any .ts file', () => {
    const files = tsFiles('src', 'workers', 'config');
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => fs.readFileSync(path.join(root, f), 'utf8').includes('redis.call('));
    expect(offenders).toEqual([]);
  });
});
