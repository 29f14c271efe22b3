import { MemoryAuditStore } from '../../../src/adapters/audit/memory-audit-store';
import { createLogger } from '../../../src/adapters/logger';
import type { ButtonDeps } from '../../../src/bot/button-context';

/** A stored request of U0ALICE01 (a viewer): `stop edge-1`. */
export const aliceRequest = {
  v: 1 as const,
  requestId: 'r-mx51t6mp-b199cb',
  userId: 'U0ALICE01',
  channelId: 'C0OPS0001',
  verb: 'stop' as const,
  hosts: ['edge-1'],
  text: 'stop edge-1',
  createdAt: 0,
};

/**
 * The bot's dependencies for the command and button pipelines, in memory: one host, an operator (U0OPS0001), two
 * viewers (U0VIEW001, U0ALICE01), the request above, and an audit log whose records the test reads.
 */
export function pipelineFixture(): { deps: ButtonDeps; audit: MemoryAuditStore; types: () => string[] } {
  const audit = new MemoryAuditStore();
  const deps = {
    config: {
      slack: { roles: { admin: [], operator: ['U0OPS0001'], viewer: ['U0VIEW001', 'U0ALICE01'] }, allowedChannels: [] },
      hosts: [{ name: 'edge-1', groups: ['edges'] }],
      approvals: { gated: [], approvers: {}, required: {} },
    },
    inventory: { current: () => ({ hosts: [{ name: 'edge-1', groups: ['edges'] }] }), lastFailure: () => undefined },
    requests: { head: () => Promise.resolve({ record: aliceRequest, done: false }), get: () => Promise.resolve(undefined) },
    chat: { update: () => Promise.resolve() },
    audit,
    logger: createLogger('test'),
    newId: () => 'r-mx51t6mp-000001',
    now: () => 0,
    control: { send: () => Promise.resolve() },
  } as unknown as ButtonDeps;
  return { deps, audit, types: () => audit.records.map((r) => r.type) };
}
