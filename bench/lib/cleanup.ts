/** Stops what a bench started, in reverse order, on success, on error and on Ctrl-C. */
export class Cleanup {
  private readonly steps: Array<{ name: string; run: () => Promise<void> }> = [];

  constructor(private readonly log: (msg: string) => void) {}

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  remove(name: string): void {
    const i = this.steps.findIndex((s) => s.name === name);
    if (i >= 0) this.steps.splice(i, 1);
  }

  async runAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      try {
        await step.run();
      } catch (err) {
        this.log(`cleanup ${step.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
