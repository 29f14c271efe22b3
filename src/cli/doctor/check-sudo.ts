import { hostTarget } from '../../../config/host-target';
import type { Config, HostConfig } from '../../../config/schema';
import { asChatopsError } from '../../core/errors';
import type { HostPort } from '../../ports/host-port';
import { SUDO_CHECK_SCRIPT, scriptArgv } from '../../worker/srs/remote-scripts';
import type { Finding } from './finding';

/** What a sudoers rule must allow for one host (docs/privilege.md). */
export interface SudoRuleFor {
  user: string;
  helper: string;
  root: string;
  /** The install command's program (`upgrade.install[0]`). */
  install: string;
}

/** The exact sudoers drop-in and roots file line for a host: what doctor prints when the rule is missing or too wide. */
export function sudoersSnippet(r: SudoRuleFor): string {
  return [
    `# /etc/sudoers.d/srs-chatops (mode 0440; check with: visudo -cf /etc/sudoers.d/srs-chatops)`,
    `${r.user} ALL=(root) NOPASSWD: ${r.helper}, ${r.install}`,
    `# and the SRS root in the helper's root-owned roots file:`,
    `echo ${r.root} >> /etc/srs-chatops/helper-roots`,
  ].join('\n');
}

/** A command that makes a sudoers rule too wide: root for anything, not just the verbs. */
const SHELLS = /^\/(usr\/)?bin\/(sh|bash|dash|zsh|ksh|csh|tcsh|fish|su|env|sudo|sudoedit)$/;
const KILL = /^\/(usr\/)?bin\/(kill|pkill|killall)$/;

/** The commands a `sudo -l` rule line lists, with whether NOPASSWD applies to each. */
export interface ListedCommand {
  command: string;
  nopasswd: boolean;
}

/** Parses `sudo -l`'s rule lines (`(root) NOPASSWD: /a, /b *`). Tags carry over to the commands after them. */
export function parseSudoList(text: string): ListedCommand[] {
  const out: ListedCommand[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('(')) continue;
    const close = line.indexOf(')');
    if (close < 0) continue;
    let nopasswd = false;
    for (let item of line.slice(close + 1).split(', ')) {
      item = item.trim();
      for (let tag = /^([A-Z_]+):\s*/.exec(item); tag !== null; tag = /^([A-Z_]+):\s*/.exec(item)) {
        if (tag[1] === 'NOPASSWD') nopasswd = true;
        if (tag[1] === 'PASSWD') nopasswd = false;
        item = item.slice(tag[0].length);
      }
      if (item !== '') out.push({ command: item, nopasswd });
    }
  }
  return out;
}

/** Why listed commands make the rule too wide (empty when narrow). */
export function tooWide(commands: readonly ListedCommand[]): string[] {
  const reasons: string[] = [];
  for (const { command } of commands) {
    const program = command.split(/\s+/)[0] ?? '';
    if (program === 'ALL') reasons.push('ALL commands');
    else if (SHELLS.test(program)) reasons.push(`a shell or launcher (${program})`);
    else if (KILL.test(program)) reasons.push(`${program} (any pid)`);
    else if (/[*?[]/.test(program) || program.endsWith('/')) reasons.push(`a wildcard or directory (${program})`);
  }
  return reasons;
}

type Values = Map<string, string[]>;

function readValues(stdout: string): Values {
  const values: Values = new Map();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i <= 0) continue;
    const key = line.slice(0, i);
    values.set(key, [...(values.get(key) ?? []), line.slice(i + 1)]);
  }
  return values;
}

/** Judges the sudo check script's output for one `become: sudo` host. */
export function judgeSudo(hostName: string, rule: SudoRuleFor, stdout: string): Finding[] {
  const v = readValues(stdout);
  const one = (k: string) => v.get(k)?.[0];
  const fix = (why: string) => `${why}; on ${hostName}, as root:\n${sudoersSnippet(rule)}`;
  const finding = (check: string, ok: boolean, detail: string, fixText?: string): Finding => ({
    host: hostName,
    check,
    ok,
    detail,
    ...(fixText !== undefined && { fix: fixText }),
  });
  if (one('sudo_check') !== 'done') return [finding('sudo', false, 'the sudo check did not finish', 'rerun doctor; check the SSH login')];
  if (one('sudo') === 'missing')
    return [finding('sudo', false, `sudo is not installed for ${rule.user}`, fix('install sudo (apt-get install sudo)'))];
  const list = (v.get('list') ?? []).join('\n');
  const commands = parseSudoList(list);
  const wide = [...new Set([...tooWide(commands), ...(v.get('allows') ?? []).map((c) => `sudo would run ${c}`)])];
  const findings: Finding[] = [];
  if (one('list_exit') !== '0') {
    const said = (v.get('list') ?? []).find((l) => l.startsWith('sudo:') || l.startsWith('Sorry')) ?? 'sudo -n -l failed';
    return [finding('sudo rule', false, `no sudo rule for ${rule.user} without a password: ${said.slice(0, 200)}`, fix('add the rule'))];
  }
  if (wide.length > 0) {
    findings.push(finding('sudo rule', false, `the rule for ${rule.user} is too wide: ${wide.join('; ')}`, fix('replace it with only')));
  }
  const checkText = (v.get('check') ?? []).join('\n');
  if (v.get('helper_allowed')?.[0] === 'no' || /a password is required/.test(checkText)) {
    findings.push(
      finding('sudo helper', false, `sudo does not let ${rule.user} run ${rule.helper} without a password`, fix('add the rule')),
    );
  } else if (one('check_exit') !== '0' || !(v.get('check') ?? []).includes('check=ok')) {
    const said = (v.get('check') ?? []).find((l) => l.startsWith('srs-chatops-helper:')) ?? (v.get('check') ?? []).join(' ');
    findings.push(
      finding(
        'sudo helper',
        false,
        `the helper's dry run failed for ${rule.root}: ${said.slice(0, 300)}`,
        fix('install the helper root-owned 0755'),
      ),
    );
  } else {
    const version = (v.get('check') ?? []).find((l) => l.startsWith('helper_version='));
    findings.push(finding('sudo helper', true, `${rule.helper} check ${rule.root}: ok (${version ?? 'helper_version=?'})`));
  }
  if (one('install_missing') === 'yes') {
    findings.push(
      finding('sudo install', false, `the install command ${rule.install} is not on the host`, 'install it, or fix upgrade.install'),
    );
  } else if (one('install_allowed') !== 'yes') {
    findings.push(finding('sudo install', false, `sudo does not let ${rule.user} run ${rule.install}`, fix('add it to the rule')));
  } else findings.push(finding('sudo install', true, `${rule.install} allowed`));
  if (wide.length === 0) findings.unshift(finding('sudo rule', true, `narrow: ${commands.map((c) => c.command).join(', ')}`.slice(0, 300)));
  return findings;
}

/**
 * Doctor's privilege check for one host. `become: sudo`: sudo's rule is there, NOPASSWD, narrow (no ALL, shell, kill
 * or wildcard), the helper's dry run passes for the host's root, and the install command is allowed; on a problem the
 * fix is the exact snippet for this host. `become: none` with a non-root login: a warning that the login must own SRS.
 */
export async function checkSudo(hosts: HostPort, config: Config, host: HostConfig): Promise<Finding[]> {
  const target = hostTarget(config, host);
  // The program as this host runs it (`{root}` filled, as the worker fills it).
  const install = (config.upgrade.install[0] ?? '/usr/local/bin/srs-install').replaceAll('{root}', host.srsRoot);
  if (host.become !== 'sudo') {
    if (target.user === 'root') return [];
    return [
      {
        host: host.name,
        check: 'privilege',
        ok: false,
        warnOnly: true,
        detail: `login ${target.user} is not root and become is none: the verbs work only if ${target.user} owns ${host.srsRoot} and its SRS`,
        fix: 'set `become: sudo` for this host (docs/privilege.md), or make the login own SRS',
      },
    ];
  }
  const rule: SudoRuleFor = { user: target.user, helper: host.system.helper, root: host.srsRoot, install };
  try {
    const res = await hosts.exec(target, {
      argv: scriptArgv(SUDO_CHECK_SCRIPT, 'srs-sudo-check', [rule.helper, rule.root, install]),
      timeoutMs: 20000,
    });
    return judgeSudo(host.name, rule, res.stdout);
  } catch (err) {
    return [
      {
        host: host.name,
        check: 'sudo',
        ok: false,
        detail: asChatopsError(err).userMessage,
        fix: 'fix the SSH access first (see the ssh check)',
      },
    ];
  }
}
