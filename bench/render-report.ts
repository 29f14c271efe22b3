/**
 * Renders a fleet-bench results file again (after a change of the report format):
 *   npx tsx bench/render-report.ts bench/results/fleet-....json > bench/results/fleet-....md
 */
import { readFileSync } from 'node:fs';
import { renderReport, type BenchResults } from './lib/report';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: render-report.ts RESULTS.json\n');
  process.exit(2);
}
process.stdout.write(renderReport(JSON.parse(readFileSync(file, 'utf8')) as BenchResults));
