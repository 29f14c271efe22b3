import path from 'node:path';
import { isPortOpen } from '../tcp-probe';
import { runLauncher } from '../run-command';
import { waitUntil } from '../wait-until';
import type { ManifestHost } from './types';

/**
 * Starts a host's SRS the way its service manager does: `ROOT/etc/init.d/srs start`, or `systemctl start srs`
 * with the host's systemctl shim. Fails when the command exits non-zero or the API port does not open within
 * `timeoutMs`. Launcher output is kept in `logDir/<name>.start.out`.
 */
export async function startSrsService(host: ManifestHost, logDir: string, timeoutMs = 15_000): Promise<void> {
  const systemd = (host.spec.serviceManager ?? 'initd') === 'systemd';
  const [file, args] = systemd ? [host.srs.systemctl, ['start', 'srs']] : [host.srs.initScript, ['start']];
  const outputPath = path.join(logDir, `${host.name}.start.out`);
  const result = await runLauncher(file, args, outputPath, { cwd: host.srs.root, timeoutMs });
  if (result.code !== 0) {
    throw new Error(
      `${host.name}: ${path.basename(file)} ${args.join(' ')} exited ${String(result.code ?? result.signal)}:\n${result.stdout.trim()}`,
    );
  }
  await waitUntil(() => isPortOpen(host.srs.ports.api), {
    timeoutMs,
    intervalMs: 30,
    description: `${host.name}: SRS API on port ${host.srs.ports.api} after start`,
  });
}
