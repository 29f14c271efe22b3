/**
 * The demo's watchdog (started by watchdog.ts): `watchdog-main.ts ROOT DEMO_PID`. Waits for its stdin to close,
 * which happens when the demo process ends however it ends; unless the demo wrote `clean-exit` first, stops every
 * process of the state directory ROOT that is left (redis-server, sshd, SRS), then exits.
 */
import { CLEAN_EXIT } from './watchdog';
import { describeProcesses, sweepDemoProcesses } from './sweep';

const [root, demoPid] = process.argv.slice(2);
if (!root) {
  process.stderr.write('usage: watchdog-main.ts STATE_DIR DEMO_PID\n');
  process.exit(2);
}
// In its own session already; these come only from someone who means this process, who gets the sweep first.
let input = '';
let swept = false;
const say = (text: string): void => {
  process.stdout.write(`${new Date().toISOString()} watchdog ${process.pid} (demo ${demoPid ?? '?'}): ${text}\n`);
};

async function sweep(why: string): Promise<void> {
  if (swept) return;
  swept = true;
  if (input.includes(CLEAN_EXIT)) {
    say('the demo stopped everything itself');
    process.exit(0);
  }
  const { stopped, survivors } = await sweepDemoProcesses(root as string);
  say(`${why}: stopped ${stopped.length} process(es) of ${root}${stopped.length ? `: ${describeProcesses(stopped)}` : ''}`);
  if (survivors.length > 0) say(`still alive: ${describeProcesses(survivors)}`);
  process.exit(survivors.length > 0 ? 1 : 0);
}

for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) process.on(signal, () => void sweep(signal));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  input += chunk;
});
process.stdin.on('error', () => void sweep('the demo is gone'));
process.stdin.on('close', () => void sweep('the demo is gone'));
process.stdin.on('end', () => void sweep('the demo is gone'));
say('watching');
