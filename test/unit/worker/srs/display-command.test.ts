import { displayCommand, shellQuote } from '../../../../src/worker/srs/display-command';
import { INITD_SCRIPT, KILL_SCRIPT, scriptArgv } from '../../../../src/worker/srs/remote-scripts';

describe('shellQuote', () => {
  it('leaves plain words alone and quotes the rest', () => {
    expect(shellQuote('/usr/local/srs')).toBe('/usr/local/srs');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });
});

describe('displayCommand', () => {
  it('quotes each word of a plain argv', () => {
    expect(displayCommand(['/usr/bin/systemctl', 'restart', 'srs'])).toBe('/usr/bin/systemctl restart srs');
    expect(displayCommand(['sudo', '-n', '/usr/local/sbin/srs-chatops-helper', 'service', '/opt/my srs', 'reload'])).toBe(
      "sudo -n /usr/local/sbin/srs-chatops-helper service '/opt/my srs' reload",
    );
  });

  it('shows a long embedded script by its name', () => {
    expect(displayCommand(scriptArgv(INITD_SCRIPT, 'srs-initd', ['/usr/local/srs', 'restart']))).toBe(
      'sh -c <srs-initd> /usr/local/srs restart',
    );
    expect(displayCommand(scriptArgv(KILL_SCRIPT, 'srs-kill', ['/usr/local/srs', '123', 'INT', '1935']))).toBe(
      'sh -c <srs-kill> /usr/local/srs 123 INT 1935',
    );
  });

  it('quotes a short script in full', () => {
    expect(displayCommand(['sh', '-c', 'echo hi', 'x'])).toBe("sh -c 'echo hi' x");
  });
});
