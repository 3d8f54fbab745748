/**
 * Runs `work` on every item, at most `jobs` at a time, in the items' order of starting. The
 * pipeline's methods and a --seeds run's seeds are processes of their own; on a 2-core machine
 * running them side by side keeps both cores busy while one of them is in a single-threaded phase.
 */
export async function inPool<T>(
  items: readonly T[],
  jobs: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be a positive integer, got ${jobs}.`);
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}
