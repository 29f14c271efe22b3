import { parseProbe } from '../../../../src/worker/srs/parse-probe';

const root = '/h/usr/local/srs';
const base = 'pid_file=./objs/srs.pid\nlog_file=./objs/srs.log\nlog_stat=1234 999\n';

describe('parseProbe', () => {
  it('no pid file: stopped', () => {
    expect(parseProbe(`${base}established=0\nprobe=done\n`, root).state).toBe('stopped');
  });
  it('pid file whose process is gone: stale', () => {
    const p = parseProbe(`${base}pid=4242\nprobe=done\n`, root);
    expect(p).toMatchObject({ state: 'stale_pid', pid: 4242, log: { inode: '1234', size: 999 } });
  });
  it('the launcher output file (<log>.sys, where a config syntax error goes) and where it ends', () => {
    const p = parseProbe(`${base}sys_stat=88 4096\nprobe=done\n`, root);
    expect(p.launcherLog).toEqual({ inode: '88', size: 4096 });
    expect(parseProbe(`${base}probe=done\n`, root).launcherLog).toBeUndefined();
  });
  it('zombie', () => {
    expect(parseProbe(`${base}pid=7\nproc_state=Z\nproc_cmdline=\nprobe=done\n`, root).state).toBe('zombie');
  });
  it('running SRS of this root (absolute or relative binary)', () => {
    expect(
      parseProbe(
        `${base}pid=7\nproc_state=S\nproc_cmdline=/usr/bin/node ${root}/objs/srs -c conf/srs.conf\nproc_cwd=${root}\nprobe=done\n`,
        root,
      ).state,
    ).toBe('running');
    expect(
      parseProbe(`${base}pid=7\nproc_state=S\nproc_cmdline=./objs/srs -c conf/srs.conf\nproc_cwd=${root}\nprobe=done\n`, root).state,
    ).toBe('running');
  });
  it('recycled pid: another program, or another install of SRS', () => {
    expect(parseProbe(`${base}pid=7\nproc_state=S\nproc_cmdline=/usr/sbin/cron -f\nprobe=done\n`, root).state).toBe('foreign_pid');
    expect(parseProbe(`${base}pid=7\nproc_state=S\nproc_cmdline=/other/usr/local/srs/objs/srs -c c\nprobe=done\n`, root).state).toBe(
      'foreign_pid',
    );
    expect(parseProbe(`${base}pid=7\nproc_state=S\nproc_cmdline=./objs/srs -c c\nproc_cwd=/other\nprobe=done\n`, root).state).toBe(
      'foreign_pid',
    );
  });
  it('a probe that did not finish is unknown; a missing root is reported', () => {
    expect(parseProbe(`${base}pid=7\n`, root).state).toBe('unknown');
    expect(parseProbe('error=root_missing\n', root)).toMatchObject({ state: 'unknown', errors: ['root_missing'] });
  });
  it('a zombie: its parent, which has not reaped it', () => {
    const p = parseProbe(
      `${base}pid=7\nproc_state=Z\nproc_ppid=1\nproc_cmdline=\nproc_cwd=\nparent_cmdline=/sbin/init splash \nprobe=done\n`,
      root,
    );
    expect(p).toMatchObject({ state: 'zombie', pid: 7, ppid: 1, parentCmdline: '/sbin/init splash' });
  });
  it('listeners: held by this SRS, by another program, or by a process ss cannot name', () => {
    const running = `${base}pid=7\nproc_state=S\nproc_cmdline=./objs/srs -c conf/srs.conf\nproc_cwd=${root}\n`;
    const srsOnly = parseProbe(
      `${running}listen=0.0.0.0:1935 users:(("srs",pid=7,fd=8))\nlisten=[::]:1935 users:(("srs",pid=7,fd=9))\nlisten=0.0.0.0:1985\nprobe=done\n`,
      root,
    );
    expect(srsOnly).toMatchObject({ state: 'running', srsListening: [1935, 1985], holders: [] });
    expect(srsOnly.listening.sort()).toEqual([1935, 1985]);
    // SRS runs but its API port is someone else's; one socket shared by two processes names both.
    const other = parseProbe(
      `${running}listen=0.0.0.0:1935 users:(("srs",pid=7,fd=8))\nlisten=0.0.0.0:1985 users:(("nc",pid=40,fd=3),("nc",pid=41,fd=3))\nowner_cmdline=40 nc -l 1985 \nprobe=done\n`,
      root,
    );
    expect(other.srsListening).toEqual([1935]);
    expect(other.holders).toEqual([
      { port: 1985, pid: 40, command: 'nc' },
      { port: 1985, pid: 41, command: 'nc' },
    ]);
    // SRS is gone: a listener ss names nobody for is not SRS's, and is named as unknown.
    const stopped = parseProbe(`${base}listen=0.0.0.0:1935\nlisten=0.0.0.0:8080 users:(("python3",9942,3))\nprobe=done\n`, root);
    expect(stopped).toMatchObject({
      state: 'stopped',
      srsListening: [],
      holders: [{ port: 1935 }, { port: 8080, pid: 9942, command: 'python3' }],
    });
    // An SRS of this root still listening although the pid file is gone (or names another pid) is SRS.
    const orphan = parseProbe(
      `${base}listen=0.0.0.0:1935 users:(("srs",pid=55,fd=8))\nowner_cmdline=55 ${root}/objs/srs -c conf/srs.conf \nowner_cwd=55 /\nprobe=done\n`,
      root,
    );
    expect(orphan).toMatchObject({ state: 'stopped', srsListening: [1935], holders: [] });
    // Another install's SRS is another program.
    const elsewhere = parseProbe(
      `${base}listen=0.0.0.0:1935 users:(("srs",pid=56,fd=8))\nowner_cmdline=56 /opt/other/objs/srs -c c \nprobe=done\n`,
      root,
    );
    expect(elsewhere.holders).toEqual([{ port: 1935, pid: 56, command: 'srs' }]);
  });
  it('reads sockets', () => {
    const p = parseProbe(`${base}established=3\nlisten=127.0.0.1:1935\nlisten=0.0.0.0:1985\nlisten=[::]:1935\nprobe=done\n`, root);
    expect(p.established).toBe(3);
    expect(p.listening.sort()).toEqual([1935, 1985]);
  });
});
