import type { HostConfig } from '../../../config/schema';
import { judgeConfigTest } from '../../worker/srs/config-test';
import type { Finding } from './finding';

/** Turns the doctor script's `key=value` output into findings, each failed one with its fix. */
export function assessLayout(host: HostConfig, stdout: string): Finding[] {
  const { v, testOutput } = parseScriptOutput(stdout);
  const name = host.name;
  const root = host.srsRoot;
  const out: Finding[] = [];
  const add = (check: string, ok: boolean, detail: string, fix?: string) =>
    out.push({ host: name, check, ok, detail, ...(ok || fix === undefined ? {} : { fix }) });
  if (v.get('doctor') !== 'done') {
    add('layout', false, 'the check script did not finish', 'run it again; check the host has sh, sed and readlink');
    return out;
  }
  add('srs root', v.get('root') === 'ok', root, `install SRS there (make install) or fix hosts[].srsRoot`);
  if (v.get('root') !== 'ok') return out;
  add('binary', v.get('binary') === 'ok', `${root}/objs/srs`, `build and install SRS into ${root} (make && make install)`);
  add('config', v.get('config') === 'ok', host.srsConfig, `create ${host.srsConfig} under ${root} or fix hosts[].srsConfig`);
  const testExit = v.get('config_test_exit');
  if (testExit !== undefined) {
    const test = judgeConfigTest(/^\d+$/.test(testExit) ? Number(testExit) : null, testOutput.join('\n'));
    add('config test', test.ok, test.line, `fix the config: cd ${root} && ASAN_OPTIONS=detect_leaks=0 ./objs/srs -t -c ${host.srsConfig}`);
  }
  add(
    'init.d script',
    v.get('script') === 'ok',
    `${root}/etc/init.d/srs`,
    `reinstall SRS (make install) so ${root}/etc/init.d/srs exists and is executable`,
  );
  const scriptRoot = v.get('script_root') ?? '';
  const realRoot = v.get('root_real') ?? root;
  const rootOk = scriptRoot === root || scriptRoot === realRoot || scriptRoot.replace(/\/+$/, '') === realRoot;
  add('script ROOT', rootOk, `ROOT="${scriptRoot}"`, `set ROOT="${root}" in ${root}/etc/init.d/srs (make install rewrites it)`);
  const link = host.system.initdLink;
  const target = v.get('link_target');
  const linkOk = target === `${realRoot}/etc/init.d/srs`;
  add(
    'init.d link',
    linkOk,
    target !== undefined ? `${link} -> ${target}` : `${link} ${v.get('link') ?? 'missing'}`,
    `sudo ln -sf ${root}/etc/init.d/srs ${link}`,
  );
  serviceFindings(host, v, add);
  return out;
}

/** The script's `key=value` lines; `config_test_out` lines (SRS's own words) are kept apart, in order. */
function parseScriptOutput(stdout: string): { v: Map<string, string>; testOutput: string[] } {
  const v = new Map<string, string>();
  const testOutput: string[] = [];
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i <= 0) continue;
    if (line.slice(0, i) === 'config_test_out') testOutput.push(line.slice(i + 1));
    else v.set(line.slice(0, i), line.slice(i + 1));
  }
  return { v, testOutput };
}

type AddFinding = (check: string, ok: boolean, detail: string, fix?: string) => void;

/** How the host starts SRS at boot: registered with init.d, or the systemd unit installed and enabled. */
function serviceFindings(host: HostConfig, v: ReadonlyMap<string, string>, add: AddFinding): void {
  const root = host.srsRoot;
  if (host.serviceManager === 'initd') {
    add(
      'init.d registered',
      v.get('initd_registered') === '1',
      `rc links under ${host.system.rcRoot}`,
      'sudo update-rc.d srs defaults   (CentOS: sudo /sbin/chkconfig --add srs)',
    );
  } else {
    const unitDir = host.system.systemdUnitDir;
    add(
      'systemd unit',
      v.get('unit') === 'ok',
      `${unitDir}/srs.service`,
      `sudo cp -f ${root}/usr/lib/systemd/system/srs.service ${unitDir}/srs.service && sudo systemctl daemon-reload`,
    );
    const enabled = v.get('enabled') ?? '';
    add(
      'systemd enabled',
      enabled === 'enabled',
      `is-enabled: ${enabled || 'unknown'}`,
      'sudo systemctl enable srs   (fails unless the unit was copied first)',
    );
  }
}
