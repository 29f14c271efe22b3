/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. Every item is
 * attempted; when some fail, the first error is thrown once all in-flight calls have settled.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const runLane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => runLane());
  await Promise.all(lanes);
  if (errors.length > 0) throw errors[0];
  return results;
}
