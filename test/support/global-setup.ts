import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePackages, MEDIA_CLIENT_PROGRAMS } from './ensure-packages';
import { requireSubreaper } from './reaper/require-subreaper';
import { launchFleet } from './fleet';
import { integrationFleetHosts } from './integration-fleet-spec';
import { isProcessAlive } from './process-table';
import { ensureRealSrsBuilds } from './real-srs/real-builds';
import { startRedis } from './redis-server';
import { stopTestRun } from './stop-test-run';
import { FALLBACK_TEST_RUN_FILE, readTestRunInfoFile, TEST_RUN_ENV, writeTestRunInfo, type TestRunInfo } from './test-run-info';

/** A previous run whose jest process died without its teardown leaves processes behind: stop them. */
async function stopStaleRun(): Promise<void> {
  let stale: TestRunInfo | undefined;
  try {
    stale = readTestRunInfoFile(FALLBACK_TEST_RUN_FILE);
  } catch {
    return;
  }
  if (!stale || isProcessAlive(stale.ownerPid)) return;
  await stopTestRun(stale, true);
  fs.rmSync(FALLBACK_TEST_RUN_FILE, { force: true });
}

/**
 * Jest global setup of the integration project: real SRS built (cached), one real redis-server and one fleet of
 * hosts (real sshd + SRS simulator or real SRS each) under a temp dir. Test files find them through `getTestRun()` (test-run.ts).
 */
export default async function globalSetup(): Promise<void> {
  requireSubreaper();
  ensurePackages(MEDIA_CLIENT_PROGRAMS);
  const builds = ensureRealSrsBuilds();
  await stopStaleRun();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-chatops-it-'));
  const redis = await startRedis({ dir: path.join(runDir, 'redis') });
  const fleetDir = path.join(runDir, 'fleet');
  const started = Date.now();
  try {
    await launchFleet({ dir: fleetDir, hosts: integrationFleetHosts(builds) });
  } catch (err) {
    await redis.stop();
    throw err;
  }
  const info: TestRunInfo = {
    formatVersion: 1,
    ownerPid: process.pid,
    createdAt: new Date().toISOString(),
    runDir,
    redis: { url: redis.url, port: redis.port, pid: redis.pid, dir: redis.dir },
    fleetDir,
    fleetStartupMs: Date.now() - started,
  };
  const runFile = path.join(runDir, 'test-run.json');
  writeTestRunInfo(info, [runFile, FALLBACK_TEST_RUN_FILE]);
  process.env[TEST_RUN_ENV] = runFile; // jest workers are forked after this and inherit it
}
