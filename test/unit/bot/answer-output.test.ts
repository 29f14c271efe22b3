import { parseConfig } from '../../../config/load-config';
import { MemoryAuditStore } from '../../../src/adapters/audit/memory-audit-store';
import { createLogger } from '../../../src/adapters/logger';
import { answerOutput, outputLink } from '../../../src/bot/answer-output';
import type { BotDeps } from '../../../src/bot/bot-deps';
import { boundedOutput } from '../../../src/core/render-output';
import type { OutputStorePort, StoredOutput } from '../../../src/ports/output-store-port';

const REQ = 'r-mx51t6mp-b199cb';
const JOB = `${REQ}-edge-1`;
const config = parseConfig(
  { ssh: { user: 'srs', privateKeyPath: '/k', knownHostsPath: '/kh' }, hosts: [{ name: 'edge-1', address: '10.0.0.1' }] },
  'test',
);

function stored(text: string): StoredOutput {
  const r = boundedOutput([{ command: 'systemctl restart srs', stdout: text, stderr: '', exitCode: 0 }], 1024 * 1024);
  return { v: 1, jobId: JOB, requestId: REQ, host: 'edge-1', verb: 'restart', ...r, savedAt: 0, expiresAt: 1000 };
}

async function setup(output: StoredOutput | undefined, recorded: Record<string, unknown> | undefined) {
  const audit = new MemoryAuditStore();
  await audit.append({ type: 'job.started', actor: 'worker:w', requestId: REQ, host: 'edge-1', data: { jobId: JOB } });
  if (recorded !== undefined)
    await audit.append({
      type: 'job.result',
      actor: 'worker:w',
      requestId: REQ,
      host: 'edge-1',
      data: { jobId: JOB, outcome: 'ok', ...recorded },
    });
  const outputs: OutputStorePort = { save: () => Promise.resolve(), get: (id) => Promise.resolve(id === JOB ? output : undefined) };
  const deps = { config, audit, outputs, logger: createLogger('test', { LOG_LEVEL: 'silent' }) } as unknown as BotDeps;
  return deps;
}

const text = async (deps: BotDeps, id: string) => {
  const reply = await answerOutput(deps, { kind: 'output', id });
  return 'ephemeral' in reply && reply.ephemeral ? reply.ephemeral.text : '';
};

describe('/srs output', () => {
  it('shows the output and says its recomputed sha256 matches the audit record', async () => {
    const s = stored('Stopping SRS... OK\n');
    const deps = await setup(s, { outputSha256: s.sha256, outputBytes: s.bytes, outputKept: true });
    const t = await text(deps, JOB);
    expect(t).toContain(`sha256 \`${s.sha256}\` matches the audit record`);
    expect(t).toContain('Stopping SRS... OK');
    expect(t).toContain('$ systemctl restart srs');
  });

  it('says loudly when the stored text does not match the record (tampered)', async () => {
    const s = stored('Stopping SRS... OK\n');
    const deps = await setup({ ...s, text: s.text.replace('OK', 'KO') }, { outputSha256: s.sha256, outputBytes: s.bytes });
    expect(await text(deps, JOB)).toMatch(/DOES NOT MATCH the audit record/);
  });

  it('says when no record was found, and when the output is gone (retention) or was never kept', async () => {
    const s = stored('x\n');
    expect(await text(await setup(s, undefined), JOB)).toMatch(/no audit record found/);
    expect(await text(await setup(undefined, { outputSha256: 'h' }), JOB)).toMatch(/expired \(|kept for 30 days, and this one has expired/);
    expect(await text(await setup(undefined, { outputSha256: 'h', outputKept: false }), JOB)).toMatch(/was not kept/);
    expect(await text(await setup(undefined, undefined), `${REQ}-edge-9`)).toMatch(
      /no such job, or its output has expired \(outputs are kept for 30 days\)/,
    );
  });

  it("lists a request's jobs when given a request id", async () => {
    const s = stored('x\n');
    expect(await text(await setup(s, { outputSha256: s.sha256 }), REQ)).toContain(`/srs output ${JOB}`);
  });

  it('links to the ops server when its public URL is known', () => {
    expect(outputLink('https://ops.example.com/', JOB)).toBe(`https://ops.example.com/output/${JOB}`);
    expect(outputLink(undefined, JOB)).toBeUndefined();
  });
});
