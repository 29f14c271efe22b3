import fs from 'node:fs';
import path from 'node:path';

const NAME = 'srs-chatops';

/**
 * The version in srs-chatops' package.json, found by walking up from this file: `src/cli/args/` under tsx or jest,
 * `dist/src/cli/args/` when built (the package.json sits beside dist/, in the repository, the npm tarball and the image).
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === NAME && typeof pkg.version === 'string') return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of ${NAME} above ${from}`);
  }
}
