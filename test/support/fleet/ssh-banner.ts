import net from 'node:net';

/**
 * Connects to 127.0.0.1:port and reads the server's identification line. Resolves the line (`SSH-2.0-...`), or
 * undefined when the connection is refused or no banner arrives within `timeoutMs`.
 */
export function readSshBanner(port: number, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let received = '';
    let answered = false;
    const done = (banner: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(banner);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\n');
      if (end >= 0 && !answered) {
        answered = true;
        const line = received.slice(0, end).trim();
        clearTimeout(timer);
        // Answer with an identification before leaving, so sshd does not log a kex_exchange_identification error.
        socket.end('SSH-2.0-srs-chatops-probe\r\n');
        setTimeout(() => socket.destroy(), 200).unref();
        resolve(line.startsWith('SSH-') ? line : undefined);
      }
    });
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
  });
}
