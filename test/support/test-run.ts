import { attachFleet, type Fleet, type FleetHost } from './fleet';
import { claimFleetHosts, releaseFleetHosts, type HostFilter } from './host-claims';
import { readTestRunInfo, type TestRunInfo } from './test-run-info';

export type { HostFilter } from './host-claims';

/** What an integration test file gets from the run global setup started. */
export interface TestRun {
  /** `redis://127.0.0.1:PORT`: the run's shared redis-server (use your own key prefix / queue names). */
  redisUrl: string;
  /** The shared fleet, attached from its manifest. Claim hosts with {@link claimHosts} before touching them. */
  fleet: Fleet;
  info: TestRunInfo;
}

let current: TestRun | undefined;

/** The integration run (redis + fleet) started by global-setup.ts. */
export function getTestRun(): TestRun {
  if (!current) {
    const info = readTestRunInfo();
    current = { redisUrl: info.redis.url, fleet: attachFleet(info.fleetDir), info };
  }
  return current;
}

interface JestExpectState {
  getState?: () => { testPath?: string | undefined };
}

function testFileLabel(): string {
  const state = (globalThis as { expect?: JestExpectState }).expect?.getState?.();
  return `${state?.testPath ?? 'unknown test file'} (pid ${process.pid})`;
}

/**
 * Claims `count` hosts of the shared fleet for this test file (never given to another test file of the run,
 * across jest workers) and resets each to its spec: SRS freshly installed and running, sshd up with its pinned
 * key. `filter`: a predicate or `{ serviceManager, version, group }`.
 */
export function claimHosts(count: number, filter?: HostFilter): Promise<FleetHost[]> {
  return claimFleetHosts(getTestRun().fleet, count, filter, testFileLabel());
}

/** Gives hosts claimed with {@link claimHosts} back (call it in afterAll, after stopping what used them). */
export function releaseHosts(hosts: readonly { name: string }[] | undefined): void {
  if (hosts) releaseFleetHosts(getTestRun().fleet, hosts);
}
