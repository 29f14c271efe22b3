import fs from 'node:fs';
import { stopTestRun } from './stop-test-run';
import { FALLBACK_TEST_RUN_FILE, readTestRunInfoFile, TEST_RUN_ENV } from './test-run-info';

/** Jest global teardown of the integration project: stops what global-setup.ts started. */
export default async function globalTeardown(): Promise<void> {
  const file = process.env[TEST_RUN_ENV];
  if (!file) return;
  const info = readTestRunInfoFile(file);
  if (!info) return;
  await stopTestRun(info, process.env.SRS_CHATOPS_KEEP_TEST_RUN !== '1');
  if (readTestRunInfoFile(FALLBACK_TEST_RUN_FILE)?.runDir === info.runDir) fs.rmSync(FALLBACK_TEST_RUN_FILE, { force: true });
  delete process.env[TEST_RUN_ENV];
}
