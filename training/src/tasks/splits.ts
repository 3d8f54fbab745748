/**
 * Train/test splits that cannot leak: an evaluation is only meaningful if no test question was
 * trained on, so splits are made over distinct question texts (whitespace-normalised) and each
 * repeated question is kept once, on one side. Both splits are deterministic by seed.
 */

import { arithmeticExamples } from "./arithmetic";
import { countdownExamples } from "./countdown";
import { createRng } from "./rng";
import type { TaskExample } from "./types";

export interface Split<T> {
  train: T[];
  test: T[];
}

const questionKey = (question: string) => question.trim().replace(/\s+/g, " ");

/** Keeps the first example of each question; exactly `testCount` of them, chosen by seed, go to test. */
function splitDistinct<T extends { question: string }>(
  examples: readonly T[],
  testCount: (distinct: number) => number,
  seed: number,
): Split<T> {
  const seen = new Set<string>();
  const distinct = examples.filter((e) => {
    const key = questionKey(e.question);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const order = createRng(seed).shuffle(distinct.map((_, i) => i));
  const inTest = new Set(order.slice(0, testCount(distinct.length)));
  return {
    train: distinct.filter((_, i) => !inTest.has(i)),
    test: distinct.filter((_, i) => inTest.has(i)),
  };
}

/**
 * Puts round(testFraction x distinct questions) into test, the rest into train, each side in input
 * order. Repeats of a question are dropped (the first occurrence is kept), so no question is on both sides.
 */
export function splitBySeed<T extends { question: string }>(
  examples: readonly T[],
  testFraction: number,
  seed: number,
): Split<T> {
  if (!(testFraction >= 0 && testFraction <= 1)) {
    throw new RangeError(`testFraction must be in [0, 1], got ${testFraction}.`);
  }
  return splitDistinct(examples, (distinct) => Math.round(testFraction * distinct), seed);
}

export interface SplitSizes {
  train: number;
  test: number;
}

/** The paper's Countdown sizes: 5K train, 1K test. */
export const DEFAULT_SPLIT_SIZES: SplitSizes = { train: 5000, test: 1000 };

/**
 * A generated split of exactly the requested sizes of distinct questions. Arithmetic mixes all five
 * levels; since level 1 has only 81 distinct questions, large splits hold fewer easy examples than
 * the uniform mix would. Throws when the generator cannot produce enough distinct questions.
 */
export function builtinSplit(
  task: "arithmetic" | "countdown",
  seed: number,
  sizes: SplitSizes = DEFAULT_SPLIT_SIZES,
): Split<TaskExample> {
  const total = sizes.train + sizes.test;
  if (![sizes.train, sizes.test].every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new RangeError(`Split sizes must be non-negative integers, got ${JSON.stringify(sizes)}.`);
  }
  const stream = task === "arithmetic" ? arithmeticExamples(seed) : countdownExamples(seed);
  const maxDraws = 20 * total + 1000;
  const seen = new Set<string>();
  const unique: TaskExample[] = [];
  for (let draw = 0; unique.length < total; draw++) {
    if (draw >= maxDraws) {
      throw new Error(
        `Only ${unique.length} distinct ${task} questions in ${maxDraws} draws; ${total} requested.`,
      );
    }
    const example = stream.next().value;
    const key = questionKey(example.question);
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(example);
    }
  }
  return splitDistinct(unique, () => sizes.test, seed);
}
