/**
 * Renders a bench results file again (after a change of the report format): fleet-bench's, or bastion-bench's
 * (`bastion-*.json`):
 *   npx tsx bench/render-report.ts bench/results/fleet-....json > bench/results/fleet-....md
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderBastionReport, type BastionResults } from './lib/bastion-report';
import { renderReport, type BenchResults } from './lib/report';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: render-report.ts RESULTS.json\n');
  process.exit(2);
}
const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
process.stdout.write(
  path.basename(file).startsWith('bastion-') ? renderBastionReport(data as BastionResults) : renderReport(data as BenchResults),
);
