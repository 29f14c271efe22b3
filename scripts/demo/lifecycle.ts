/** Exit status of a process ended by a signal, as shells report it. */
export const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** One thing to undo at shutdown, with how long it may take before the next step runs anyway. */
interface Step {
  name: string;
  run: () => Promise<unknown>;
  timeoutMs: number;
}

/**
 * What the demo started, undone in reverse order exactly once, however the demo ends (console exit, a signal,
 * an error). Each step is bounded: a step that hangs is left behind after its timeout (the final sweep and the
 * watchdog still stop its processes).
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private running: Promise<void> | undefined;
  /** Why the demo stops (the first reason given). */
  reason: string | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** Registers an undo step (run after every step registered later). */
  add(name: string, run: () => Promise<unknown>, timeoutMs = 8000): void {
    this.steps.push({ name, run, timeoutMs });
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** Runs every step once, newest first; later calls get the same promise. */
  run(reason: string): Promise<void> {
    if (this.running) return this.running;
    this.reason = reason;
    this.running = (async () => {
      for (const step of this.steps.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          step.run().then(
            () => 'ok' as const,
            (err: unknown) => (err instanceof Error ? err.message : String(err)),
          ),
          new Promise<string>((resolve) => {
            timer = setTimeout(() => resolve(`still running after ${step.timeoutMs} ms, left behind`), step.timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (outcome !== 'ok') this.log(`stopping ${step.name}: ${outcome}`);
      }
    })();
    return this.running;
  }
}
