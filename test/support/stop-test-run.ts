import fs from 'node:fs';
import { attachFleet } from './fleet';
import { manifestPath } from './fleet/manifest';
import { readCmdline } from './process-table';
import { stopProcess } from './stop-process';
import type { TestRunInfo } from './test-run-info';

/**
 * Stops everything a run started: the fleet's sshd and SRS processes and the Redis server (only when the
 * recorded pid is still a redis-server). With `removeFiles`, deletes the run directory too.
 */
export async function stopTestRun(info: TestRunInfo, removeFiles: boolean): Promise<void> {
  if (fs.existsSync(manifestPath(info.fleetDir))) await attachFleet(info.fleetDir).stop();
  if ((readCmdline(info.redis.pid) ?? '').includes('redis-server')) await stopProcess(info.redis.pid);
  if (removeFiles) fs.rmSync(info.runDir, { recursive: true, force: true });
}
