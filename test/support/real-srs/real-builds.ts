import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** One real SRS build: a built `trunk/` (objs/srs, conf/, etc/init.d/srs), itself a valid SRS root. */
export interface RealSrsBuild {
  /** `srs-6.0.157`, `srs-5.0.216`, `srs-6.0.157-asan`. */
  name: string;
  version: string;
  /** Built with AddressSanitizer (SRS's configure default on Debian). */
  asan: boolean;
  trunk: string;
  binary: string;
  initScript: string;
}

const REPO = path.resolve(__dirname, '..', '..', '..');
const BUILD_SCRIPT = path.join(REPO, 'scripts', 'build-real-srs.sh');

/** Parses the build script's `<name> <trunk>` lines. */
export function parseBuildList(stdout: string): RealSrsBuild[] {
  return stdout
    .split('\n')
    .map((line) => /^(srs-(\d+\.\d+\.\d+)(-asan)?) (\/\S+)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const trunk = m[4] ?? '';
      return {
        name: m[1] ?? '',
        version: m[2] ?? '',
        asan: m[3] !== undefined,
        trunk,
        binary: path.join(trunk, 'objs', 'srs'),
        initScript: path.join(trunk, 'etc', 'init.d', 'srs'),
      };
    });
}

/**
 * Builds (or finds in the cache) real SRS 6.0.157, 5.0.216 and 6.0.157 with AddressSanitizer, from the source
 * tarballs beside the project (scripts/build-real-srs.sh; about a minute each the first time, cached by hash).
 * Throws with the build's own error when a build fails: the real-SRS tests are never skipped.
 */
export function ensureRealSrsBuilds(): RealSrsBuild[] {
  let stdout: string;
  try {
    stdout = execFileSync('bash', [BUILD_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 1_200_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`building real SRS failed (scripts/build-real-srs.sh):\n${e.stderr ?? e.message}`);
  }
  const builds = parseBuildList(stdout);
  for (const build of builds) {
    if (!fs.existsSync(build.binary)) throw new Error(`real SRS build ${build.name}: no binary at ${build.binary}`);
  }
  if (builds.length < 3) throw new Error(`scripts/build-real-srs.sh listed ${builds.length} builds, expected 3:\n${stdout}`);
  return builds;
}

/** The build of a version (`asan` picks the sanitizer build); throws when there is none. */
export function buildOf(builds: readonly RealSrsBuild[], version: string, asan = false): RealSrsBuild {
  const build = builds.find((b) => b.version === version && b.asan === asan);
  if (!build) throw new Error(`no real SRS build ${version}${asan ? ' (asan)' : ''}; have ${builds.map((b) => b.name).join(', ')}`);
  return build;
}
