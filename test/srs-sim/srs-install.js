// @ts-check
'use strict';
/**
 * The on-host install command, hostDir/usr/local/bin/srs-install:
 *   srs-install <version> [--root ROOT]      (ROOT defaults to hostDir/usr/local/srs)
 * Installs <version> from the host's package repository (package-repo.js) by swapping ROOT/objs/srs
 * (the running process keeps its old version until restarted) and records the version it replaced
 * in ROOT/objs/srs.previous-version. A package naming a real binary is copied to a temporary name in
 * ROOT/objs and renamed over objs/srs; the others write a simulator binary. Exit 0 installed / already
 * installed, 1 not available or failed, 2 usage or invalid version.
 */
const fs = require('fs');
const path = require('path');
const { isValidVersion, listPackages, readPackage } = require('./package-repo');

const PREVIOUS_VERSION_REL = 'objs/srs.previous-version';
const USAGE = 'usage: srs-install <version> [--root ROOT]\n';

/** @param {string[]} argv @returns {{ version?: string, root?: string, help?: boolean, error?: string }} */
function parseArgs(argv) {
  /** @type {{ version?: string, root?: string, help?: boolean, error?: string }} */
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = String(argv[i]);
    if (a === '-h' || a === '--help') out.help = true;
    else if (a === '--root') {
      if (i + 1 >= argv.length) return { error: '--root needs a directory' };
      out.root = String(argv[++i]);
    } else if (a.startsWith('--root=')) out.root = a.slice('--root='.length);
    else if (a.startsWith('-') && a.length > 1 && !/^-?\d/.test(a)) return { error: `unknown option ${JSON.stringify(a)}` };
    else if (out.version !== undefined) return { error: `unexpected argument ${JSON.stringify(a)}` };
    else out.version = a;
  }
  return out;
}

/** @param {string} a @param {string} b */
function sameFile(a, b) {
  try {
    if (fs.statSync(a).size !== fs.statSync(b).size) return false;
    return fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}

/**
 * Whether the package is what objs/srs already is.
 * @param {string} root @param {import('./package-repo').Package} pkg @param {ReturnType<import('./install')['readBuild']>} cur
 */
function alreadyInstalled(root, pkg, cur) {
  if (cur.version !== pkg.version) return false;
  if (pkg.binary !== null) return !cur.simulated && sameFile(pkg.binary, path.join(root, 'objs/srs'));
  return cur.simulated && cur.broken === pkg.broken && cur.asan === pkg.asan;
}

/** Copy a real binary over objs/srs: a temporary name in objs/, then rename (atomic). @param {string} root @param {string} from */
function installBinary(root, from) {
  const target = path.join(root, 'objs/srs');
  const tmp = path.join(root, 'objs', `.srs.installing.${process.pid}`);
  try {
    fs.copyFileSync(from, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Run the command; returns the exit code (does not exit).
 * @param {string} hostDir @param {string[]} argv
 * @param {{ stdout: (s: string) => void, stderr: (s: string) => void }} io
 */
function run(hostDir, argv, io) {
  const args = parseArgs(argv);
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (args.error) {
    io.stderr(`srs-install: ${args.error}\n${USAGE}`);
    return 2;
  }
  if (args.version === undefined) {
    io.stderr(`srs-install: missing version\n${USAGE}`);
    return 2;
  }
  const version = args.version;
  if (!isValidVersion(version)) {
    io.stderr(`srs-install: invalid version ${JSON.stringify(version)} (expected MAJOR.MINOR.REVISION, e.g. 6.0.184)\n`);
    return 2;
  }
  const root = path.resolve(args.root || path.join(hostDir, 'usr/local/srs'));
  if (!fs.existsSync(path.join(root, 'objs/srs'))) {
    io.stderr(`srs-install: no SRS installation at ${root} (objs/srs missing)\n`);
    return 1;
  }
  let pkg;
  try {
    pkg = readPackage(hostDir, version);
  } catch (e) {
    io.stderr(`srs-install: ${/** @type {Error} */ (e).message}\n`);
    return 1;
  }
  if (!pkg) {
    const avail = listPackages(hostDir);
    io.stderr(`srs-install: version ${version} is not available (available: ${avail.length ? avail.join(', ') : 'none'})\n`);
    return 1;
  }
  const { readBuild, setVersion } = require('./install');
  const cur = readBuild(root);
  if (alreadyInstalled(root, pkg, cur)) {
    io.stdout(`SRS ${version} already installed\n`);
    return 0;
  }
  try {
    if (pkg.binary !== null && !fs.statSync(pkg.binary).isFile()) throw new Error(`${pkg.binary} is not a file`);
    const prevFile = path.join(root, PREVIOUS_VERSION_REL);
    fs.writeFileSync(`${prevFile}.new`, `${cur.version || 'unknown'}\n`);
    fs.renameSync(`${prevFile}.new`, prevFile);
    if (pkg.binary !== null) installBinary(root, pkg.binary);
    else setVersion(root, version, { broken: pkg.broken, asan: pkg.asan });
  } catch (e) {
    io.stderr(`srs-install: install of ${version} failed: ${/** @type {Error} */ (e).message}\n`);
    return 1;
  }
  io.stdout(`installed SRS ${version} (was ${cur.version || 'unknown'})\n`);
  return 0;
}

/** CLI entry (the installed script calls this). @param {string} hostDir @param {string[]} argv */
function main(hostDir, argv) {
  process.exitCode = run(hostDir, argv, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
}

module.exports = { main, run, parseArgs, PREVIOUS_VERSION_REL };
