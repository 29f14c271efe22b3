/**
 * The worker process's entry point: `node dist/workers/main.js` runs one worker, the same as `srs-chatops worker`.
 * What it wires lives with the other composition roots, in src/app/run-worker.ts; the worker's use cases live in
 * src/worker, beside the bot's in src/bot.
 */
import { runWorker } from '../src/app/run-worker';

export { runWorker };

if (require.main === module) {
  runWorker().catch((error: unknown) => {
    process.stderr.write(`srs-chatops worker: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
