import { createLogger } from '../../../src/adapters/logger';
import { MemoryAuditStore } from '../../../src/adapters/audit/memory-audit-store';
import type { BotDeps } from '../../../src/bot/bot-deps';
import { handleGraceAction } from '../../../src/bot/handle-grace-action';
import { GRACE_ACTIONS, type GraceDecision } from '../../../src/core/grace/grace-actions';
import { unrunResult, type VerbResult } from '../../../src/core/verb-result';
import type { RequestProgress } from '../../../src/ports/request-store-port';

const record = {
  v: 1 as const,
  requestId: 'r-1',
  userId: 'U0ALICE',
  channelId: 'C0OPS',
  verb: 'grace' as const,
  hosts: ['edge-1', 'edge-2'],
  text: 'grace edge-1,edge-2',
  createdAt: 0,
};
const value = JSON.stringify({ requestId: 'r-1', jobId: 'r-1-edge-1', host: 'edge-1' });

function harness(results: VerbResult[], done = false) {
  const sent: GraceDecision[] = [];
  const edits: string[] = [];
  const progress: RequestProgress = { record, results, posted: new Set(), done, grace: new Map() };
  const audit = new MemoryAuditStore();
  const deps = {
    config: { slack: { roles: { admin: [], operator: ['U0OPS'], viewer: [] }, allowedChannels: [] } },
    requests: { head: () => Promise.resolve({ record, done }), get: () => Promise.resolve(progress) },
    chat: { update: (_c: string, ts: string) => (edits.push(ts), Promise.resolve()) },
    audit,
    logger: createLogger('test'),
    now: () => 0,
    control: { send: (_job: string, d: GraceDecision) => (sent.push(d), Promise.resolve()) },
  } as unknown as BotDeps & { control: { send: (j: string, d: GraceDecision, by: string) => Promise<void> } };
  return { deps, sent, edits };
}

describe('grace buttons after their job ended', () => {
  it.each([GRACE_ACTIONS.force, GRACE_ACTIONS.extend, GRACE_ACTIONS.leave])(
    '%s is refused ("this drain already ended"), ephemeral, and nothing is edited or sent',
    async (actionId) => {
      const h = harness([unrunResult('edge-1', 'grace', 'drained and exited', 'x')]);
      const reply = await handleGraceAction(h.deps, { actionId, value, userId: 'U0ALICE', channelId: 'C0OPS', messageTs: '1.2' });
      expect(reply.ephemeral?.text).toMatch(/this drain already ended/i);
      expect(h.sent).toEqual([]);
      expect(h.edits).toEqual([]);
    },
  );

  it('a request done (or forgotten) counts as ended too', async () => {
    const h = harness([], true);
    const reply = await handleGraceAction(h.deps, {
      actionId: GRACE_ACTIONS.force,
      value,
      userId: 'U0OPS',
      channelId: 'C0OPS',
      messageTs: '1.2',
    });
    expect(reply.ephemeral?.text).toMatch(/this drain already ended/i);
    expect(h.edits).toEqual([]);
  });

  it("while the job runs (another host's result does not count), the press acts and edits the message", async () => {
    const h = harness([unrunResult('edge-2', 'grace', 'drained', 'x')]);
    const reply = await handleGraceAction(h.deps, {
      actionId: GRACE_ACTIONS.force,
      value,
      userId: 'U0ALICE',
      channelId: 'C0OPS',
      messageTs: '1.2',
    });
    expect(reply).toEqual({});
    expect(h.sent).toEqual(['force']);
    expect(h.edits).toEqual(['1.2']);
  });
});
