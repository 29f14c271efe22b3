import { parseConfig } from '../../../../config/load-config';
import type { HostPort } from '../../../../src/ports/host-port';
import { checkSudo, judgeSudo, parseSudoList, sudoersSnippet, tooWide, type SudoRuleFor } from '../../../../src/cli/doctor/check-sudo';

const rule: SudoRuleFor = {
  user: 'srsops',
  helper: '/usr/local/sbin/srs-chatops-helper',
  root: '/usr/local/srs',
  install: '/usr/local/bin/srs-install',
};

/** `sudo -n -l` as sudo 1.9.13 (Debian 12) prints it, each line prefixed as the check script does. */
function listing(...rules: string[]): string {
  return [
    'Matching Defaults entries for srsops on edge-1:',
    '    env_reset, mail_badpass,',
    '    secure_path=/usr/local/sbin\\:/usr/local/bin\\:/usr/sbin\\:/usr/bin\\:/sbin\\:/bin, use_pty',
    '',
    'User srsops may run the following commands on edge-1:',
    ...rules.map((r) => `    ${r}`),
  ]
    .map((l) => `list=${l}`)
    .join('\n');
}

const CHECK_OK = 'check_exit=0\ncheck=helper_version=1\ncheck=root=/usr/local/srs\ncheck=check=ok';

function out(...parts: string[]): string {
  return ['user=srsops', 'list_exit=0', ...parts, 'sudo_check=done'].join('\n');
}

const status = (findings: ReturnType<typeof judgeSudo>) =>
  Object.fromEntries(findings.map((f) => [f.check, f.ok ? 'ok' : f.warnOnly ? 'WARN' : 'PROBLEM']));

describe('doctor: parsing sudo -l', () => {
  it('reads commands and carries NOPASSWD over a line', () => {
    expect(
      parseSudoList('    (root) NOPASSWD: /a/helper, /b/install *\n    (root) /bin/ls\n    (ALL : ALL) PASSWD: /x, NOPASSWD: SETENV: /y'),
    ).toEqual([
      { command: '/a/helper', nopasswd: true },
      { command: '/b/install *', nopasswd: true },
      { command: '/bin/ls', nopasswd: false },
      { command: '/x', nopasswd: false },
      { command: '/y', nopasswd: true },
    ]);
  });

  it('names what makes a rule too wide', () => {
    expect(
      tooWide(
        parseSudoList(
          '(ALL) NOPASSWD: ALL\n(root) /bin/kill, /usr/bin/*, /bin/bash, /usr/local/sbin/\n(root) /usr/local/sbin/srs-chatops-helper *',
        ),
      ),
    ).toEqual([
      'ALL commands',
      '/bin/kill (any pid)',
      'a wildcard or directory (/usr/bin/*)',
      'a shell or launcher (/bin/bash)',
      'a wildcard or directory (/usr/local/sbin/)',
    ]);
  });
});

describe('doctor: judging the sudo rule of a become: sudo host', () => {
  it('the narrow rule passes, with the helper dry run and the install command', () => {
    const f = judgeSudo(
      'edge-1',
      rule,
      out(listing('(root) NOPASSWD: /usr/local/sbin/srs-chatops-helper, /usr/local/bin/srs-install'), CHECK_OK, 'install_allowed=yes'),
    );
    expect(status(f)).toEqual({ 'sudo rule': 'ok', 'sudo helper': 'ok', 'sudo install': 'ok' });
    expect(f.find((x) => x.check === 'sudo helper')?.detail).toBe(
      '/usr/local/sbin/srs-chatops-helper check /usr/local/srs: ok (helper_version=1)',
    );
  });

  it('a missing rule is a problem whose fix is the exact snippet for the host', () => {
    const f = judgeSudo(
      'edge-1',
      rule,
      [
        'user=srsops',
        'list_exit=1',
        'list=sudo: a password is required',
        'helper_allowed=no',
        'install_allowed=no',
        'sudo_check=done',
      ].join('\n'),
    );
    expect(status(f)).toEqual({ 'sudo rule': 'PROBLEM' });
    expect(f[0]?.detail).toBe('no sudo rule for srsops without a password: sudo: a password is required');
    expect(f[0]?.fix).toBe(
      [
        'add the rule; on edge-1, as root:',
        '# /etc/sudoers.d/srs-chatops (mode 0440; check with: visudo -cf /etc/sudoers.d/srs-chatops)',
        'srsops ALL=(root) NOPASSWD: /usr/local/sbin/srs-chatops-helper, /usr/local/bin/srs-install',
        "# and the SRS root in the helper's root-owned roots file:",
        'echo /usr/local/srs >> /etc/srs-chatops/helper-roots',
      ].join('\n'),
    );
  });

  it('ALL is too wide (also when the helper is allowed), with the snippet', () => {
    const f = judgeSudo(
      'edge-1',
      rule,
      out(
        listing('(ALL : ALL) NOPASSWD: ALL', '(root) NOPASSWD: /usr/local/sbin/srs-chatops-helper'),
        'allows=/bin/sh',
        'allows=/usr/bin/id',
        CHECK_OK,
        'install_allowed=yes',
      ),
    );
    expect(status(f)).toEqual({ 'sudo rule': 'PROBLEM', 'sudo helper': 'ok', 'sudo install': 'ok' });
    expect(f[0]?.detail).toBe('the rule for srsops is too wide: ALL commands; sudo would run /bin/sh; sudo would run /usr/bin/id');
    expect(f[0]?.fix).toContain('srsops ALL=(root) NOPASSWD: /usr/local/sbin/srs-chatops-helper, /usr/local/bin/srs-install');
  });

  it('a wildcard command path is too wide', () => {
    const f = judgeSudo('edge-1', rule, out(listing('(root) NOPASSWD: /usr/local/sbin/*'), 'helper_allowed=no', 'install_allowed=no'));
    expect(status(f)).toEqual({ 'sudo rule': 'PROBLEM', 'sudo helper': 'PROBLEM', 'sudo install': 'PROBLEM' });
    expect(f[0]?.detail).toBe('the rule for srsops is too wide: a wildcard or directory (/usr/local/sbin/*)');
  });

  it('a helper allowed only with a password, or failing its dry run, is a problem', () => {
    const pw = judgeSudo(
      'edge-1',
      rule,
      out(listing('(root) /usr/local/sbin/srs-chatops-helper'), 'helper_allowed=no', 'install_allowed=no'),
    );
    expect(pw.find((x) => x.check === 'sudo helper')?.detail).toBe(
      'sudo does not let srsops run /usr/local/sbin/srs-chatops-helper without a password',
    );
    const asked = judgeSudo(
      'edge-1',
      rule,
      out(
        listing('(root) /usr/local/sbin/srs-chatops-helper', '(root) NOPASSWD: /usr/local/bin/srs-install'),
        'check_exit=1',
        'check=sudo: a password is required',
        'install_allowed=yes',
      ),
    );
    expect(asked.find((x) => x.check === 'sudo helper')?.ok).toBe(false);
    const dry = judgeSudo(
      'edge-1',
      rule,
      out(
        listing('(root) NOPASSWD: /usr/local/sbin/srs-chatops-helper, /usr/local/bin/srs-install'),
        'check_exit=2',
        'check=helper_version=1',
        'check=refused=root_not_allowed',
        'check=srs-chatops-helper: /usr/local/srs is not listed in /etc/srs-chatops/helper-roots',
        'install_allowed=yes',
      ),
    );
    expect(dry.find((x) => x.check === 'sudo helper')).toMatchObject({
      ok: false,
      detail:
        "the helper's dry run failed for /usr/local/srs: srs-chatops-helper: /usr/local/srs is not listed in /etc/srs-chatops/helper-roots",
    });
  });

  it('the snippet names the host own login, helper, root and install command', () => {
    expect(sudoersSnippet({ user: 'ops', helper: '/opt/h', root: '/srv/srs', install: '/opt/i' })).toContain(
      'ops ALL=(root) NOPASSWD: /opt/h, /opt/i',
    );
  });
});

describe('doctor: become none', () => {
  const config = parseConfig(
    {
      ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/kh' },
      hosts: [
        { name: 'edge-1', address: '10.0.0.1' },
        { name: 'edge-2', address: '10.0.0.2', user: 'root' },
      ],
    },
    'test',
  );
  const noHost = {} as HostPort; // become none sends nothing
  it('a non-root login without become: sudo is a warning that it must own SRS', async () => {
    const [f] = await checkSudo(noHost, config, config.hosts[0] ?? (undefined as never));
    expect(f).toMatchObject({ check: 'privilege', ok: false, warnOnly: true });
    expect(f?.detail).toBe('login srsops is not root and become is none: the verbs work only if srsops owns /usr/local/srs and its SRS');
  });
  it('a root login has nothing to check', async () => {
    expect(await checkSudo(noHost, config, config.hosts[1] ?? (undefined as never))).toEqual([]);
  });
});
