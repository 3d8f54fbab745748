/**
 * The default data for learned offloading: a mix where difficulty is NOT on the surface.
 *
 * - carry-free: "What is A + B?" with two 2- or 3-digit operands, no column reaching 10;
 * - carry: the same shape, at least one column reaching 10;
 * - hard: visibly hard expressions (arithmetic level 5: 3-4 three-digit operands with + - *; and
 *   products of two 2-digit numbers).
 *
 * The core of the carry sums is MATCHED: carry and carry-free sums drawn from one distribution of
 * digit multisets (the digits of a carry-free pair that could also be arranged with a carry), only
 * the arrangement differing. There token counts, lengths and digit frequencies cannot tell the two
 * apart: a router that reads the prompt from outside has only digit alignment to go on, while the
 * model meets the difficulty in its own reasoning, at the column where the digits sum to 10 or more.
 * But matched carry sums are narrow: a carry-free multiset has small digits, so 95% of them carry
 * once and 24% carry out of the leading column, where uniformly drawn carry sums carry 2-3 times 57%
 * of the time and out of the leading column 61%. Models trained on the matched core alone flagged
 * the carries they had met and missed many of the others (AUC 0.70-0.89 on uniform sums, 2026-12-01).
 * So a share of the carry sums is NATURAL: uniform operands of the same shape, kept when a column
 * carries. The warm-up teaches carry-free column sums only; carries are met first in RL. The hard
 * share stays small and visible, so the method is not judged only on a surface rule.
 */

import { type ArithmeticSpec, arithmeticExamples, sumColumns } from "./arithmetic";
import { createRng, type Rng } from "./rng";
import type { TaskExample } from "./types";

export type SumCategory = "carry-free" | "carry" | "hard";
export const SUM_CATEGORIES: readonly SumCategory[] = ["carry-free", "carry", "hard"];

/** Relative weights of the three categories (need not sum to 1). */
export type SumMix = Readonly<Record<SumCategory, number>>;

/**
 * 70% carry-free, 20% carry, 10% visibly hard: the prompts the local model cannot answer (30%) fit
 * the 30% cloud budget the paper uses, and carries (invisible) outnumber products (visible) 2:1.
 */
export const DEFAULT_SUM_MIX: SumMix = { "carry-free": 0.7, carry: 0.2, hard: 0.1 };

const SUM_QUESTION = /^What is (\d+) \+ (\d+)\?$/;

export const hasCarry = (a: number, b: number): boolean => sumColumns(a, b).some(([x, y]) => x + y >= 10);

/** Whether each column of a + b carries out, counting the carry coming in; most significant first. */
export function sumColumnCarries(a: number, b: number): boolean[] {
  let carry = 0;
  return sumColumns(a, b)
    .reverse()
    .map(([x, y]) => {
      carry = x + y + carry >= 10 ? 1 : 0;
      return carry === 1;
    })
    .reverse();
}

/** The category of any arithmetic question, from its text alone (works for files made elsewhere). */
export function sumCategory(question: string): SumCategory {
  const m = SUM_QUESTION.exec(question.trim());
  if (!m) return "hard";
  return hasCarry(Number(m[1]), Number(m[2])) ? "carry" : "carry-free";
}

/** An example's category as every report counts it: arithmetic by its question (`byQuestion`), others "all". */
export function exampleCategory(
  e: TaskExample,
  byQuestion: (question: string) => string = sumCategory,
): string {
  return e.task === "arithmetic" ? byQuestion(e.question) : "all";
}

/**
 * A finer category for sums drawn at their natural rate (tasks/independent-sums.ts): carry sums split
 * by how many columns carry, since a model that learned only single carries shows it here.
 */
export function carryCountCategory(question: string): string {
  const m = SUM_QUESTION.exec(question.trim());
  if (!m) return "hard";
  const carries = sumColumnCarries(Number(m[1]), Number(m[2])).filter(Boolean).length;
  return carries === 0 ? "carry-free" : carries === 1 ? "one carry" : "several carries";
}

const digitsToNumber = (digits: readonly number[]) => digits.reduce((n, d) => n * 10 + d, 0);

/** A uniformly random carry-free pair with operands of `la` and `lb` digits (leading digits >= 1). */
function carryFreePair(rng: Rng, la: number, lb: number): [number, number] {
  const width = Math.max(la, lb);
  const a: number[] = [];
  const b: number[] = [];
  for (let col = 0; col < width; col++) {
    const inA = col >= width - la;
    const inB = col >= width - lb;
    const leadA = col === width - la;
    const leadB = col === width - lb;
    for (;;) {
      const x = inA ? rng.int(leadA ? 1 : 0, 9) : 0;
      const y = inB ? rng.int(leadB ? 1 : 0, 9) : 0;
      if (x + y > 9) continue;
      if (inA) a.push(x);
      if (inB) b.push(y);
      break;
    }
  }
  return [digitsToNumber(a), digitsToNumber(b)];
}

/** A random arrangement of `digits` into operands of `la` and the rest digits, with the wanted carry status. */
function arrange(
  rng: Rng,
  digits: readonly number[],
  la: number,
  carry: boolean,
): [number, number] | undefined {
  for (let attempt = 0; attempt < 60; attempt++) {
    const d = rng.shuffle(digits);
    if (d[0] === 0 || d[la] === 0) continue;
    const a = digitsToNumber(d.slice(0, la));
    const b = digitsToNumber(d.slice(la));
    if (hasCarry(a, b) === carry) return [a, b];
  }
  return undefined;
}

/** Digits of the two operands: each drawn from the shape's range, or one length for both. */
function operandLengths(rng: Rng, shape: SumShape): [number, number] {
  const [shortest, longest] = shape.digits;
  const la = rng.int(shortest, longest);
  return [la, shape.sameLength ? la : rng.int(shortest, longest)];
}

/** Uniform operands of the shape's lengths, redrawn until a column carries. */
function naturalCarrySum(rng: Rng, shape: SumShape): [number, number] {
  const [la, lb] = operandLengths(rng, shape);
  for (;;) {
    const a = rng.int(10 ** (la - 1), 10 ** la - 1);
    const b = rng.int(10 ** (lb - 1), 10 ** lb - 1);
    if (hasCarry(a, b)) return [a, b];
  }
}

/**
 * One sum of the wanted category. The digit multiset comes from a carry-free pair and is kept only
 * if a carry arrangement of it was found too, so both categories share one multiset distribution.
 */
function matchedSum(rng: Rng, carry: boolean, shape: SumShape): [number, number] {
  for (;;) {
    const [la, lb] = operandLengths(rng, shape);
    const [a, b] = carryFreePair(rng, la, lb);
    const digits = [...String(a), ...String(b)].map(Number);
    const withCarry = arrange(rng, digits, la, true);
    if (!withCarry) continue;
    if (carry) return withCarry;
    return arrange(rng, digits, la, false) ?? [a, b];
  }
}

function checkMix(mix: SumMix): void {
  const weights = SUM_CATEGORIES.map((c) => mix[c]);
  if (!weights.every((w) => Number.isFinite(w) && w >= 0) || weights.every((w) => w === 0))
    throw new RangeError(`A sum mix needs non-negative weights, not all zero; got ${JSON.stringify(mix)}.`);
}

/** Parses "0.7,0.2,0.1" (carry-free, carry, hard). */
export function parseSumMix(text: string): SumMix {
  const parts = text.split(",").map(Number);
  if (parts.length !== 3)
    throw new RangeError(`A sum mix is three weights "carry-free,carry,hard", got "${text}".`);
  const mix = { "carry-free": parts[0]!, carry: parts[1]!, hard: parts[2]! };
  checkMix(mix);
  return mix;
}

/** How the examples of each category are drawn. */
export interface SumShape {
  /** Digits per operand, 2-3 ([2, 2] makes a quicker-to-learn variant for short runs). */
  digits: readonly [number, number];
  /**
   * Both operands of one length ("What is 352 + 146?"), or each length drawn on its own
   * ("What is 57 + 348?", the shorter one zero-padded in the worked columns), as a generator
   * that knows nothing of this one would draw them.
   */
  sameLength: boolean;
  /** Share of carry sums drawn naturally (uniform operands) instead of from the matched core. */
  naturalCarryShare: number;
  /** Share of the hard expressions that are products of two 2-digit numbers (the rest: level 5). */
  productShare: number;
}

/**
 * Four carry sums in five natural, one matched to the carry-free sums digit for digit: with the RL
 * defaults of pipeline.ts, GAPG trained so ranks independently drawn sums above both routers on
 * three seeds (README, "The current defaults"), where at 0.5 it was level with router A. At RL's
 * earlier learning rate (1e-4) two seeds of five stopped asking at 0.8; seeds 4 and 5 have not
 * been rerun with the current rate and KL penalty.
 */
export const DEFAULT_SUM_SHAPE: SumShape = {
  digits: [2, 3],
  sameLength: false,
  naturalCarryShare: 0.8,
  productShare: 0.5,
};

/** The shape of runs from before the natural carries, products and independent lengths existed. */
export const withShapeDefaults = (shape: Partial<SumShape> | undefined): SumShape => ({
  digits: [2, 3],
  sameLength: true,
  naturalCarryShare: 0,
  productShare: 0,
  ...shape,
});

const TWO_DIGIT_PRODUCT: ArithmeticSpec = { digits: [2, 2], operands: [2, 2], operators: ["*"] };

const isShare = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;

/** `count` examples of the mix, the same for the same seed (ids "sums-<seed>-<index>"). */
export function generateSumMix(
  count: number,
  seed: number,
  mix: SumMix = DEFAULT_SUM_MIX,
  shape: SumShape = DEFAULT_SUM_SHAPE,
): TaskExample[] {
  checkMix(mix);
  const { digits } = shape;
  if (!(digits[0] >= 2 && digits[1] <= 3 && digits[0] <= digits[1]))
    throw new RangeError(`Sum operands have 2 or 3 digits, got ${digits.join("-")}.`);
  if (!isShare(shape.naturalCarryShare) || !isShare(shape.productShare))
    throw new RangeError(
      `The natural carry and product shares are fractions, got ${shape.naturalCarryShare} and ${shape.productShare}.`,
    );
  const rng = createRng(seed);
  const hard = arithmeticExamples(seed + 1_000_003, 5);
  const products = arithmeticExamples(seed + 2_000_003, TWO_DIGIT_PRODUCT);
  const total = SUM_CATEGORIES.reduce((s, c) => s + mix[c], 0);
  const pickCategory = (): SumCategory => {
    let u = rng.next() * total;
    for (const c of SUM_CATEGORIES) {
      u -= mix[c];
      if (u < 0) return c;
    }
    return SUM_CATEGORIES.findLast((c) => mix[c] > 0)!;
  };
  // A share of 0 draws no coin, so the matched core alone is the same stream as before the shares.
  const drawn = (share: number) => share > 0 && rng.next() < share;
  return Array.from({ length: count }, (_, index): TaskExample => {
    const category = pickCategory();
    const id = `sums-${seed}-${index}`;
    if (category === "hard") {
      const e = (drawn(shape.productShare) ? products : hard).next().value;
      return { ...e, id, meta: { ...e.meta, category } };
    }
    const carry = category === "carry";
    const [a, b] =
      carry && drawn(shape.naturalCarryShare) ? naturalCarrySum(rng, shape) : matchedSum(rng, carry, shape);
    return {
      id,
      task: "arithmetic",
      question: `What is ${a} + ${b}?`,
      answer: String(a + b),
      meta: { operands: [a, b], operators: ["+"], columns: true, category },
    };
  });
}
