import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A Redis Lua script read from `<LUA_DIR>/<name>.lua`: its text, byte for byte, and the SHA-1 Redis knows it by. */
export interface LuaFile {
  readonly name: string;
  readonly source: string;
  /** SHA-1 (hex) of `source`: what EVALSHA and SCRIPT LOAD use. */
  readonly sha1: string;
}

/**
 * The folder of the `.lua` files: this module's own folder, under src/ (tsx, ts-jest) as under dist/ (the build
 * copies the `.lua` files next to the compiled loader: see the "build" script in package.json).
 */
export const LUA_DIR = __dirname;

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const loaded = new Map<string, LuaFile>();

/**
 * The script `<name>.lua` (e.g. `loadLua('audit-append')`), read once, synchronously, on the first call for that
 * name; later calls return the same object. Run it as the caller needs: `redis.eval(s.source, ...)`,
 * `luaScript(s.source)` (EVALSHA, loading on NOSCRIPT), or `redis.evalsha(s.sha1, ...)` after `SCRIPT LOAD`.
 * Throws when the name is not a plain lowercase-and-dashes name or the file is missing.
 */
export function loadLua(name: string): LuaFile {
  const cached = loaded.get(name);
  if (cached) return cached;
  if (!NAME.test(name)) throw new Error(`not a Lua script name: ${JSON.stringify(name)} (lowercase letters, digits and dashes)`);
  const file = path.join(LUA_DIR, `${name}.lua`);
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `cannot read the Lua script ${name} (${file}): ${why}. In a built copy, the build copies src/adapters/redis/lua/*.lua to dist/ (npm run build).`,
    );
  }
  const script: LuaFile = { name, source, sha1: createHash('sha1').update(source).digest('hex') };
  loaded.set(name, script);
  return script;
}

/** The names of every `.lua` file in {@link LUA_DIR}, sorted (for tests and checks). */
export function luaNames(): string[] {
  return fs
    .readdirSync(LUA_DIR)
    .filter((f) => f.endsWith('.lua'))
    .map((f) => f.slice(0, -'.lua'.length))
    .sort();
}
