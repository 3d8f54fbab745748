/**
 * The default data for learned offloading: a mix where difficulty is NOT on the surface.
 *
 * - carry-free: "What is A + B?" with two 2- or 3-digit operands of one length, no column reaching 10;
 * - carry: the same shape, at least one column reaching 10;
 * - hard: visibly hard expressions (3-4 three-digit operands with `*`, arithmetic level 5).
 *
 * Carry and carry-free sums are drawn from ONE distribution of digit multisets (the digits of a
 * carry-free pair that could also be arranged with a carry), and only the arrangement differs. So
 * token counts, lengths and digit frequencies cannot tell the two apart: a router that reads the
 * prompt from outside has only digit alignment to go on, while the model meets the difficulty in its
 * own reasoning, at the column where the digits sum to 10 or more. The warm-up teaches carry-free
 * column sums only; carries are met first in RL. The hard share stays small and visible, so the
 * method is not judged only on a surface rule.
 */

import { arithmeticExamples, sumColumns } from "./arithmetic";
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

/** The category of any arithmetic question, from its text alone (works for files made elsewhere). */
export function sumCategory(question: string): SumCategory {
  const m = SUM_QUESTION.exec(question.trim());
  if (!m) return "hard";
  return hasCarry(Number(m[1]), Number(m[2])) ? "carry" : "carry-free";
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

/**
 * One sum of the wanted category. The digit multiset comes from a carry-free pair and is kept only
 * if a carry arrangement of it was found too, so both categories share one multiset distribution.
 */
function matchedSum(rng: Rng, carry: boolean, shape: SumShape): [number, number] {
  const [shortest, longest] = shape.digits;
  for (;;) {
    const la = rng.int(shortest, longest);
    const lb = shape.sameLength ? la : rng.int(shortest, longest);
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

/** How sum operands are drawn. */
export interface SumShape {
  /** Digits per operand, 2-3 ([2, 2] makes a quicker-to-learn variant for short runs). */
  digits: readonly [number, number];
  /**
   * Both operands of one length ("What is 352 + 146?"), or each length drawn on its own
   * ("What is 57 + 348?", the shorter one zero-padded in the worked columns), as a generator
   * that knows nothing of this one would draw them.
   */
  sameLength: boolean;
}

export const DEFAULT_SUM_SHAPE: SumShape = { digits: [2, 3], sameLength: false };

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
  const rng = createRng(seed);
  const hard = arithmeticExamples(seed + 1_000_003, 5);
  const total = SUM_CATEGORIES.reduce((s, c) => s + mix[c], 0);
  const pickCategory = (): SumCategory => {
    let u = rng.next() * total;
    for (const c of SUM_CATEGORIES) {
      u -= mix[c];
      if (u < 0) return c;
    }
    return SUM_CATEGORIES.findLast((c) => mix[c] > 0)!;
  };
  return Array.from({ length: count }, (_, index): TaskExample => {
    const category = pickCategory();
    const id = `sums-${seed}-${index}`;
    if (category === "hard") {
      const e = hard.next().value;
      return { ...e, id, meta: { ...e.meta, category } };
    }
    const [a, b] = matchedSum(rng, category === "carry", shape);
    return {
      id,
      task: "arithmetic",
      question: `What is ${a} + ${b}?`,
      answer: String(a + b),
      meta: { operands: [a, b], operators: ["+"], columns: true, category },
    };
  });
}
