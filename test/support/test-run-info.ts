import fs from 'node:fs';
import path from 'node:path';

/** Environment variable holding the path of the current run's info file (set by global-setup.ts). */
export const TEST_RUN_ENV = 'SRS_CHATOPS_TEST_RUN';

/** Where the last run's info is also written, for processes that did not inherit the environment. */
export const FALLBACK_TEST_RUN_FILE = path.resolve(__dirname, '..', '..', '.tmp', 'test-run.json');

/** What global setup started for an integration run. */
export interface TestRunInfo {
  formatVersion: 1;
  /** The jest process that owns the run (stale when it is gone). */
  ownerPid: number;
  createdAt: string;
  /** Temp directory holding everything of the run. */
  runDir: string;
  redis: { url: string; port: number; pid: number; dir: string };
  fleetDir: string;
  /** How long the fleet took to launch. */
  fleetStartupMs: number;
}

/** Writes the run info to every given path (atomically each). */
export function writeTestRunInfo(info: TestRunInfo, files: readonly string[]): void {
  for (const file of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(info, null, 2) + '\n');
    fs.renameSync(temp, file);
  }
}

/** Reads a run info file; undefined when it does not exist. */
export function readTestRunInfoFile(file: string): TestRunInfo | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const info = JSON.parse(text) as Partial<TestRunInfo>;
  if (info.formatVersion !== 1 || typeof info.fleetDir !== 'string') throw new Error(`${file} is not a test run file`);
  return info as TestRunInfo;
}

/** The current run's info: from `$SRS_CHATOPS_TEST_RUN`, else the fallback file. */
export function readTestRunInfo(env: NodeJS.ProcessEnv = process.env): TestRunInfo {
  const file = env[TEST_RUN_ENV] ?? FALLBACK_TEST_RUN_FILE;
  const info = readTestRunInfoFile(file);
  if (!info) {
    throw new Error(`no integration test run (${file} missing): run through jest's integration project, whose global setup starts one`);
  }
  return info;
}
