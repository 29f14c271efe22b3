/** Re-renders a fanout bench result: `npx tsx bench/render-fanout.ts bench/results/fanout-....json` (writes the .md). */
import fs from 'node:fs';
import { renderFanoutReport, type FanoutResults } from './lib/fanout-report';

const file = process.argv[2];
if (file === undefined || !file.endsWith('.json')) throw new Error('usage: render-fanout.ts RESULTS.json');
const md = renderFanoutReport(JSON.parse(fs.readFileSync(file, 'utf8')) as FanoutResults);
fs.writeFileSync(file.replace(/\.json$/, '.md'), md);
process.stdout.write(md);
