import { renderDryRunReport } from '../../../src/presentation';
import { planHost as host, rollingPlan as plan } from '../../support/rolling-plan';
import { validateMessageBlocks } from '../../support/slack/block-validation';

describe('the dry run report', () => {
  it('lists each host with its commands, says what would be asked, and fits Slack', () => {
    const commands = new Map([['edge-1', ['kill -QUIT 4242', '/usr/local/srs/etc/init.d/srs start']]]);
    const report = renderDryRunReport(plan({ gate: undefined }), commands, 'your confirmation');
    expect(report.text).toContain('*Dry run* — nothing was changed on any host.');
    expect(report.text).toContain('Before it runs: your confirmation');
    const json = JSON.stringify(report.blocks);
    expect(json).toContain('`edge-1` would run:\\n```kill -QUIT 4242\\n/usr/local/srs/etc/init.d/srs start```');
    expect(json).toContain('`edge-2` would run:\\n```(not known: the host did not answer the survey)```');
    expect(() => validateMessageBlocks(report.blocks)).not.toThrow();
    // A script shown by its name is not a Slack control sequence: escaped in the blocks and in the text.
    const scripted = renderDryRunReport(plan(), new Map([['edge-1', ['sh -c <srs-initd> /usr/local/srs stop']]]), 'x');
    expect(JSON.stringify(scripted.blocks)).toContain('sh -c &lt;srs-initd&gt; /usr/local/srs stop');
    expect(scripted.text).toContain('`edge-1` would run: sh -c &lt;srs-initd&gt; /usr/local/srs stop');
    const big = plan({ hosts: Array.from({ length: 200 }, (_, i) => host(i)) });
    const many = renderDryRunReport(big, commands, 'x');
    expect(many.blocks?.length).toBeLessThanOrEqual(50);
    expect(() => validateMessageBlocks(many.blocks)).not.toThrow();
  });
});
