// @ts-check
'use strict';
/**
 * Lays out one simulated SRS host under a host directory, the way SRS's docs install it:
 * ROOT=hostDir/usr/local/srs (objs/srs, conf/srs.conf, etc/init.d/srs, usr/lib/systemd/system/srs.service),
 * hostDir/etc/init.d/srs -> ROOT's script, update-rc.d links, and for systemd hosts the unit copied
 * to hostDir/usr/lib/systemd/system and enabled through the systemctl shim (hostDir/usr/bin/systemctl).
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { renderConfig } = require('./config-template');
const { packagesDir, publishPackage, unpublishPackage, listPackages, isValidVersion } = require('./package-repo');

const SIM_DIR = __dirname;
const HOST_META = '.sim-host.json';

/**
 * @typedef {{ rtmp: number, http: number, api: number }} HostPorts
 * @typedef {{
 *   hostDir: string, version?: string, ports: HostPorts, graceStartWaitMs?: number, graceFinalWaitMs?: number,
 *   forceGraceQuit?: boolean, exitDelayMs?: number, bindFailDelayMs?: number,
 *   serviceManager?: 'initd' | 'systemd', registerInitd?: boolean, installUnit?: boolean,
 *   restartSec?: number, rawApi?: boolean, asan?: boolean,
 * }} InstallOptions
 * @typedef {{ broken?: 'no-start' | 'no-streams' | 'crash' | null, asan?: boolean }} BuildOptions
 * @typedef {{
 *   root: string, binary: string, config: string, initScript: string, initdLink: string, rcRoot: string,
 *   systemdUnitDir: string, systemctl: string, pidFile: string, logFile: string, ports: HostPorts,
 *   installCommand: string, packagesDir: string, previousVersionFile: string,
 * }} InstalledHost
 */

/** @param {string} p */
function mkdirp(p) {
  fs.mkdirSync(p, { recursive: true });
}

/** Replace a file or symlink with a symlink. @param {string} target @param {string} link */
function symlinkForce(target, link) {
  try {
    fs.unlinkSync(link);
  } catch {
    /* absent */
  }
  fs.symlinkSync(target, link);
}

const SIM_MARK = '// SRS simulator binary (srs-chatops test fixture).';

/**
 * The binary: a node script with an absolute shebang (sshd sessions have a minimal PATH).
 * @param {string} version @param {BuildOptions} [build]
 */
function binarySource(version, build = {}) {
  const broken = build.broken || null;
  const asan = !!build.asan;
  return `#!${process.execPath}
// @ts-check
${SIM_MARK} version=${version}${broken ? ` broken=${broken}` : ''}${asan ? ' asan=1' : ''}
'use strict';
require(${JSON.stringify(path.join(SIM_DIR, 'srs-main.js'))}).main({ version: ${JSON.stringify(version)}, broken: ${JSON.stringify(broken)}, asan: ${asan} });
`;
}

/**
 * What build objs/srs is: a simulator binary (its header line says so), else a real one (asked with `objs/srs -v`,
 * which real SRS answers on stdout, exit 0). version null when it cannot be told.
 * @param {string} root
 * @returns {{ version: string | null, broken: string | null, asan: boolean, simulated: boolean }}
 */
function readBuild(root) {
  const binary = path.join(root, 'objs/srs');
  const head = Buffer.alloc(512);
  const fd = fs.openSync(binary, 'r');
  let n = 0;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const text = head.subarray(0, n).toString('latin1');
  if (text.startsWith('#!') && text.includes(SIM_MARK)) {
    const v = /version=(\S+)/.exec(text);
    const b = /broken=(\S+)/.exec(text);
    return { version: v && v[1] ? v[1] : null, broken: b && b[1] ? b[1] : null, asan: / asan=1/.test(text), simulated: true };
  }
  try {
    const out = execFileSync(binary, ['-v'], { cwd: root, encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /^(\d+\.\d+\.\d+)\s*$/m.exec(out);
    return { version: m && m[1] ? m[1] : null, broken: null, asan: false, simulated: false };
  } catch {
    return { version: null, broken: null, asan: false, simulated: false };
  }
}

/** @param {string} root @param {number | undefined} restartSec */
function unitSource(root, restartSec) {
  const script = path.join(root, 'etc/init.d/srs');
  return `[Unit]
Description=The SRS media server
After=network.target

[Service]
Type=forking
Restart=always
${restartSec !== undefined ? `RestartSec=${restartSec}\n` : ''}ExecStart=${script} start
ExecReload=${script} reload
ExecStop=${script} stop

[Install]
WantedBy=multi-user.target
`;
}

/** @param {string} node @param {string} mod @param {string} call */
function shimSource(node, mod, call) {
  return `#!${node}\n// @ts-check\n'use strict';\nrequire(${JSON.stringify(path.join(SIM_DIR, mod))}).${call};\n`;
}

/** @param {string} root */
function readMeta(root) {
  return JSON.parse(fs.readFileSync(path.join(root, HOST_META), 'utf8'));
}

/**
 * @param {InstallOptions} opts
 * @returns {InstalledHost}
 */
function installHost(opts) {
  const {
    hostDir,
    version = '6.0.184',
    ports,
    graceStartWaitMs = 2300,
    graceFinalWaitMs = 3200,
    forceGraceQuit = false,
    exitDelayMs = 2000,
    bindFailDelayMs = 1200,
    serviceManager = 'initd',
    registerInitd = true,
    installUnit = true,
    restartSec,
    rawApi = false,
    asan = false,
  } = opts;
  if (!path.isAbsolute(hostDir)) throw new Error(`hostDir must be absolute: ${hostDir}`);
  const root = path.join(hostDir, 'usr/local/srs');
  for (const d of ['objs', 'conf', 'etc/init.d', 'usr/lib/systemd/system']) mkdirp(path.join(root, d));

  const meta = { hostDir, ports, graceStartWaitMs, graceFinalWaitMs, forceGraceQuit, exitDelayMs, bindFailDelayMs, rawApi };
  fs.writeFileSync(path.join(root, HOST_META), JSON.stringify(meta, null, 2));

  const binary = path.join(root, 'objs/srs');
  fs.writeFileSync(binary, binarySource(version, { asan }), { mode: 0o755 });
  fs.chmodSync(binary, 0o755);

  const config = path.join(root, 'conf/srs.conf');
  fs.writeFileSync(config, renderConfig(meta));

  const initScript = path.join(root, 'etc/init.d/srs');
  const tpl = fs.readFileSync(path.join(SIM_DIR, 'initd-srs.sh'), 'utf8');
  fs.writeFileSync(initScript, tpl.replace(/^ROOT="\.\/"$/m, `ROOT="${root}"`), { mode: 0o755 });
  fs.chmodSync(initScript, 0o755);

  const unitInRoot = path.join(root, 'usr/lib/systemd/system/srs.service');
  fs.writeFileSync(unitInRoot, unitSource(root, restartSec));

  const rcRoot = path.join(hostDir, 'etc');
  mkdirp(path.join(rcRoot, 'init.d'));
  const initdLink = path.join(rcRoot, 'init.d/srs');
  symlinkForce(initScript, initdLink);
  if (registerInitd) {
    for (const lvl of [2, 3, 4, 5]) {
      mkdirp(path.join(rcRoot, `rc${lvl}.d`));
      symlinkForce('../init.d/srs', path.join(rcRoot, `rc${lvl}.d/S60srs`));
    }
    for (const lvl of [0, 1, 6]) {
      mkdirp(path.join(rcRoot, `rc${lvl}.d`));
      symlinkForce('../init.d/srs', path.join(rcRoot, `rc${lvl}.d/K01srs`));
    }
  }

  const binDir = path.join(hostDir, 'usr/bin');
  mkdirp(binDir);
  const systemctl = path.join(binDir, 'systemctl');
  fs.writeFileSync(
    systemctl,
    shimSource(process.execPath, 'systemctl-shim.js', `main(${JSON.stringify(hostDir)}, process.argv.slice(2))`),
    { mode: 0o755 },
  );
  fs.chmodSync(systemctl, 0o755);

  // The on-host install command (srs-install.js) and its package repository, holding the initial version.
  const localBin = path.join(hostDir, 'usr/local/bin');
  mkdirp(localBin);
  const installCommand = path.join(localBin, 'srs-install');
  fs.writeFileSync(
    installCommand,
    shimSource(process.execPath, 'srs-install.js', `main(${JSON.stringify(hostDir)}, process.argv.slice(2))`),
    { mode: 0o755 },
  );
  fs.chmodSync(installCommand, 0o755);
  mkdirp(packagesDir(hostDir));
  if (isValidVersion(version)) publishPackage(hostDir, version, { asan });

  const systemdUnitDir = path.join(hostDir, 'usr/lib/systemd/system');
  mkdirp(systemdUnitDir);
  mkdirp(path.join(hostDir, 'run/systemd'));
  if (serviceManager === 'systemd' && installUnit) {
    fs.copyFileSync(unitInRoot, path.join(systemdUnitDir, 'srs.service'));
    const { enableUnit } = require('./systemctl-shim');
    enableUnit(hostDir, () => {});
  }

  return {
    root,
    binary,
    config,
    initScript,
    initdLink,
    rcRoot,
    systemdUnitDir,
    systemctl,
    pidFile: path.join(root, 'objs/srs.pid'),
    logFile: path.join(root, 'objs/srs.log'),
    ports,
    installCommand,
    packagesDir: packagesDir(hostDir),
    previousVersionFile: path.join(root, 'objs/srs.previous-version'),
  };
}

/**
 * Swap the binary for another version ("upgrade"). broken: 'no-start' fails before forking,
 * 'no-streams' starts but serves no streams and refuses publishers, 'crash' starts (false OK) and
 * dies after sim_bind_fail_delay. asan: an AddressSanitizer build (`-t` ends with a leak report, exit 1).
 * @param {string} root
 * @param {string} version
 * @param {BuildOptions} [opts]
 */
function setVersion(root, version, opts = {}) {
  const binary = path.join(root, 'objs/srs');
  const tmp = `${binary}.new`;
  fs.writeFileSync(tmp, binarySource(version, opts), { mode: 0o755 });
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, binary);
  return binary;
}

/**
 * Rewrite conf/srs.conf from the host's install parameters plus overrides.
 * @param {string} root
 * @param {import('./config-template').ConfigOverrides} [overrides]
 */
function writeConfig(root, overrides = {}) {
  const config = path.join(root, 'conf/srs.conf');
  fs.writeFileSync(config, renderConfig({ ...readMeta(root), ...overrides }));
  return config;
}

/** Make conf/srs.conf invalid (unbalanced brace), keeping a copy for restoreConfig. @param {string} root */
function breakConfig(root) {
  const config = path.join(root, 'conf/srs.conf');
  const backup = `${config}.sim-good`;
  if (!fs.existsSync(backup)) fs.copyFileSync(config, backup);
  fs.appendFileSync(config, '\nvhost broken.example.com {\n    # missing closing brace\n');
  return config;
}

/** Undo breakConfig (or rewrite the default config when there is no copy). @param {string} root */
function restoreConfig(root) {
  const config = path.join(root, 'conf/srs.conf');
  const backup = `${config}.sim-good`;
  if (fs.existsSync(backup)) fs.renameSync(backup, config);
  else writeConfig(root);
  return config;
}

/** Version of the installed binary (simulated or real), or null. @param {string} root */
function getVersion(root) {
  return readBuild(root).version;
}

/** Version srs-install recorded as replaced (ROOT/objs/srs.previous-version), or null. @param {string} root */
function getPreviousVersion(root) {
  try {
    return fs.readFileSync(path.join(root, 'objs/srs.previous-version'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

module.exports = {
  installHost,
  setVersion,
  readBuild,
  writeConfig,
  breakConfig,
  restoreConfig,
  getVersion,
  getPreviousVersion,
  publishPackage,
  unpublishPackage,
  listPackages,
};
