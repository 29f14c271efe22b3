import { parseProbe } from '../../workers/srs/parse-probe';

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
  it('zombie', () => {
    expect(parseProbe(`${base}pid=7\nproc_state=Z\nproc_cmdline=\nprobe=done\n`, root).state).toBe('zombie');
  });
  it('running SRS of this root (absolute or relative binary)', () => {
    expect(parseProbe(`${base}pid=7\nproc_state=S\nproc_cmdline=/usr/bin/node ${root}/objs/srs -c conf/srs.conf\nproc_cwd=${root}\nprobe=done\n`, root).state).toBe('running');
    expect(parseProbe(`${base}pid=7\nproc_state=S\nproc_cmdline=./objs/srs -c conf/srs.conf\nproc_cwd=${root}\nprobe=done\n`, root).state).toBe('running');
  });
  it('recycled pid: another program, or another install of SRS', () => {
    expect(parseProbe(`${base}pid=7\nproc_state=S\nproc_cmdline=/usr/sbin/cron -f\nprobe=done\n`, root).state).toBe('foreign_pid');
    expect(parseProbe(`${base}pid=7\nproc_state=S\nproc_cmdline=/other/usr/local/srs/objs/srs -c c\nprobe=done\n`, root).state).toBe('foreign_pid');
    expect(parseProbe(`${base}pid=7\nproc_state=S\nproc_cmdline=./objs/srs -c c\nproc_cwd=/other\nprobe=done\n`, root).state).toBe('foreign_pid');
  });
  it('a probe that did not finish is unknown; a missing root is reported', () => {
    expect(parseProbe(`${base}pid=7\n`, root).state).toBe('unknown');
    expect(parseProbe('error=root_missing\n', root)).toMatchObject({ state: 'unknown', errors: ['root_missing'] });
  });
  it('reads sockets', () => {
    const p = parseProbe(`${base}established=3\nlisten=127.0.0.1:1935\nlisten=0.0.0.0:1985\nlisten=[::]:1935\nprobe=done\n`, root);
    expect(p.established).toBe(3);
    expect(p.listening.sort()).toEqual([1935, 1985]);
  });
});
