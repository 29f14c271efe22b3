// @ts-check
'use strict';
/**
 * The host-local "package repository" srs-install installs from: hostDir/var/lib/srs-packages/.
 * A version is available when a file named after it exists there. Its content is `key=value` lines: none (a good
 * simulator build), `broken=no-start|no-streams|crash` (a broken one, see setVersion), `asan=1` (an
 * AddressSanitizer build), or `binary=/abs/path/to/objs/srs`: a real SRS binary that srs-install copies in place.
 */
const fs = require('fs');
const path = require('path');

const PACKAGES_REL = 'var/lib/srs-packages';
const VERSION_RE = /^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,6}$/;
const BROKEN_KINDS = ['no-start', 'no-streams', 'crash'];

/** @param {string} hostDir */
function packagesDir(hostDir) {
  return path.join(hostDir, PACKAGES_REL);
}

/** @param {string} version */
function isValidVersion(version) {
  return VERSION_RE.test(version);
}

/** Numeric order of MAJOR.MINOR.REVISION strings. @param {string} a @param {string} b */
function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d) return d;
  }
  return 0;
}

/**
 * @typedef {{ broken?: 'no-start' | 'no-streams' | 'crash' | null, asan?: boolean, binary?: string }} PackageOptions
 * @typedef {{ version: string, broken: 'no-start' | 'no-streams' | 'crash' | null, asan: boolean, binary: string | null }} Package
 */

/**
 * Make a version available on the host (overwrites an existing entry).
 * @param {string} hostDir @param {string} version
 * @param {PackageOptions} [opts]  binary: a real SRS binary (absolute path; broken/asan do not apply to it)
 * @returns {string} the repository file
 */
function publishPackage(hostDir, version, opts = {}) {
  if (!isValidVersion(version)) throw new Error(`invalid version: ${version}`);
  if (opts.broken && !BROKEN_KINDS.includes(opts.broken)) throw new Error(`unknown broken kind: ${opts.broken}`);
  if (opts.binary !== undefined) {
    if (!path.isAbsolute(opts.binary)) throw new Error(`package binary must be an absolute path: ${opts.binary}`);
    if (!fs.statSync(opts.binary).isFile()) throw new Error(`package binary is not a file: ${opts.binary}`);
    if (opts.broken || opts.asan) throw new Error('a real binary package cannot be marked broken or asan');
  }
  const dir = packagesDir(hostDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, version);
  const lines = [
    ...(opts.broken ? [`broken=${opts.broken}`] : []),
    ...(opts.asan ? ['asan=1'] : []),
    ...(opts.binary !== undefined ? [`binary=${opts.binary}`] : []),
  ];
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

/** Remove a version from the repository (no-op when absent). @param {string} hostDir @param {string} version */
function unpublishPackage(hostDir, version) {
  if (!isValidVersion(version)) throw new Error(`invalid version: ${version}`);
  fs.rmSync(path.join(packagesDir(hostDir), version), { force: true });
}

/** Available versions, ascending. @param {string} hostDir @returns {string[]} */
function listPackages(hostDir) {
  let names = [];
  try {
    names = fs.readdirSync(packagesDir(hostDir));
  } catch {
    return [];
  }
  return names.filter(isValidVersion).sort(compareVersions);
}

/**
 * Look a (valid) version up. null when not available; throws when the entry is malformed.
 * @param {string} hostDir @param {string} version
 * @returns {Package | null}
 */
function readPackage(hostDir, version) {
  if (!isValidVersion(version)) throw new Error(`invalid version: ${version}`);
  let text;
  try {
    text = fs.readFileSync(path.join(packagesDir(hostDir), version), 'utf8');
  } catch {
    return null;
  }
  /** @type {Package} */
  const pkg = { version, broken: null, asan: false, binary: null };
  const corrupt = () => new Error(`package ${version} is corrupt: ${JSON.stringify(text.trim().slice(0, 60))}`);
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const m = /^(broken|asan|binary)=(.+)$/.exec(line);
    if (!m || !m[2]) throw corrupt();
    if (m[1] === 'broken') {
      if (!BROKEN_KINDS.includes(m[2])) throw corrupt();
      pkg.broken = /** @type {'no-start' | 'no-streams' | 'crash'} */ (m[2]);
    } else if (m[1] === 'asan') {
      if (m[2] !== '1') throw corrupt();
      pkg.asan = true;
    } else {
      if (!path.isAbsolute(m[2])) throw corrupt();
      pkg.binary = m[2];
    }
  }
  return pkg;
}

module.exports = {
  PACKAGES_REL,
  VERSION_RE,
  packagesDir,
  isValidVersion,
  compareVersions,
  publishPackage,
  unpublishPackage,
  listPackages,
  readPackage,
};
