// @ts-check
'use strict';
/**
 * The host-local "package repository" srs-install installs from: hostDir/var/lib/srs-packages/.
 * A version is available when a file named after it exists there. Its content is empty (a good
 * build) or `broken=no-start|no-streams|crash` (a broken build, see setVersion).
 */
const fs = require('fs');
const path = require('path');

const PACKAGES_REL = 'var/lib/srs-packages';
const VERSION_RE = /^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,6}$/;
const BROKEN_KINDS = ['no-start', 'no-streams', 'crash'];

/** @param {string} hostDir */
function packagesDir(hostDir) { return path.join(hostDir, PACKAGES_REL); }

/** @param {string} version */
function isValidVersion(version) { return VERSION_RE.test(version); }

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
 * Make a version available on the host (overwrites an existing entry).
 * @param {string} hostDir @param {string} version
 * @param {{ broken?: 'no-start' | 'no-streams' | 'crash' | null }} [opts]
 * @returns {string} the repository file
 */
function publishPackage(hostDir, version, opts = {}) {
  if (!isValidVersion(version)) throw new Error(`invalid version: ${version}`);
  if (opts.broken && !BROKEN_KINDS.includes(opts.broken)) throw new Error(`unknown broken kind: ${opts.broken}`);
  const dir = packagesDir(hostDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, version);
  fs.writeFileSync(file, opts.broken ? `broken=${opts.broken}\n` : '');
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
  try { names = fs.readdirSync(packagesDir(hostDir)); } catch { return []; }
  return names.filter(isValidVersion).sort(compareVersions);
}

/**
 * Look a (valid) version up. null when not available; throws when the entry is malformed.
 * @param {string} hostDir @param {string} version
 * @returns {{ version: string, broken: 'no-start' | 'no-streams' | 'crash' | null } | null}
 */
function readPackage(hostDir, version) {
  if (!isValidVersion(version)) throw new Error(`invalid version: ${version}`);
  let text;
  try { text = fs.readFileSync(path.join(packagesDir(hostDir), version), 'utf8'); } catch { return null; }
  const body = text.trim();
  if (body === '') return { version, broken: null };
  const m = /^broken=(\S+)$/.exec(body);
  const kind = m && m[1];
  if (!kind || !BROKEN_KINDS.includes(kind)) throw new Error(`package ${version} is corrupt: ${JSON.stringify(body.slice(0, 60))}`);
  return { version, broken: /** @type {'no-start' | 'no-streams' | 'crash'} */ (kind) };
}

module.exports = {
  PACKAGES_REL, VERSION_RE, packagesDir, isValidVersion, compareVersions, publishPackage, unpublishPackage, listPackages, readPackage,
};
