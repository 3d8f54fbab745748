/**
 * Test prompts drawn the plain way, independently of the training mix (tasks/sum-mix.ts): "What is
 * A + B?" with A and B uniform over 10-999 (so carries come at their natural rate, about two sums
 * in three) and a share of "What is A * B?" with two 2-digit operands, a visibly hard form the
 * training mix never shows. A check of what a model learned beyond the pipeline's own test split
 * (`train data --independent`, then `train eval --test`).
 */

import { createRng } from "./rng";
import type { TaskExample } from "./types";

/** The independent test set every pipeline run is also evaluated on (and `train data --independent`'s default). */
export const INDEPENDENT_TEST = { count: 600, seed: 2026, productShare: 0.1 } as const;

export function independentSums(count: number, seed: number, productShare = 0.1): TaskExample[] {
  if (!(productShare >= 0 && productShare <= 1))
    throw new RangeError(`The product share is a fraction, got ${productShare}.`);
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, index): TaskExample => {
    const product = rng.next() < productShare;
    const [a, b] = product ? [rng.int(10, 99), rng.int(10, 99)] : [rng.int(10, 999), rng.int(10, 999)];
    const op = product ? "*" : "+";
    return {
      id: `independent-${seed}-${index}`,
      task: "arithmetic",
      question: `What is ${a} ${op} ${b}?`,
      answer: String(product ? a * b : a + b),
      meta: { operands: [a, b], operators: [op] },
    };
  });
}
