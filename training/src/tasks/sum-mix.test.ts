import { describe, expect, it } from "vitest";
import { workedSolution } from "./arithmetic";
import {
  carryCountCategory,
  DEFAULT_SUM_MIX,
  DEFAULT_SUM_SHAPE,
  generateSumMix,
  hasCarry,
  parseSumMix,
  sumCategory,
  sumColumnCarries,
} from "./sum-mix";

const digitShares = (questions: readonly string[]) => {
  const counts = new Array<number>(10).fill(0);
  for (const q of questions) for (const ch of q.replace(/\D/g, "")) counts[Number(ch)]!++;
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => c / total);
};

describe("the invisible-difficulty sum mix", () => {
  const examples = generateSumMix(4000, 7);

  it("is reproducible and labels every example with the category its text implies", () => {
    expect(generateSumMix(50, 7)).toEqual(examples.slice(0, 50));
    for (const e of examples) expect(sumCategory(e.question)).toBe(e.meta?.category);
  });

  it("draws the categories in the mix's proportions", () => {
    for (const [category, weight] of Object.entries(DEFAULT_SUM_MIX)) {
      const share = examples.filter((e) => e.meta?.category === category).length / examples.length;
      expect(share).toBeGreaterThan(weight - 0.03);
      expect(share).toBeLessThan(weight + 0.03);
    }
  });

  it("gives carry and carry-free sums of the matched core the same shape and digit frequencies", () => {
    const core = generateSumMix(4000, 7, DEFAULT_SUM_MIX, { ...DEFAULT_SUM_SHAPE, naturalCarryShare: 0 });
    const of = (c: string) => core.filter((e) => e.meta?.category === c).map((e) => e.question);
    const [free, carry] = [of("carry-free"), of("carry")];
    const lengths = (qs: string[]) => qs.reduce((a, q) => a + q.length, 0) / qs.length;
    expect(Math.abs(lengths(free) - lengths(carry))).toBeLessThan(0.15);
    const [a, b] = [digitShares(free), digitShares(carry)];
    for (let d = 0; d < 10; d++) expect(Math.abs(a[d]! - b[d]!)).toBeLessThan(0.025);
    for (const q of [...free, ...carry]) expect(q).toMatch(/^What is \d{2,3} \+ \d{2,3}\?$/);
    // Operand lengths are drawn on their own, and in the same proportions for both categories.
    const shapeShares = (qs: string[]) => {
      const shapes = qs.map((q) => q.replace(/\d+/g, (n) => String(n.length)));
      return ["2 + 2", "2 + 3", "3 + 2", "3 + 3"].map(
        (shape) => shapes.filter((x) => x === `What is ${shape}?`).length / shapes.length,
      );
    };
    const [freeShapes, carryShapes] = [shapeShares(free), shapeShares(carry)];
    for (let i = 0; i < 4; i++) {
      expect(freeShapes[i]).toBeGreaterThan(0.15);
      expect(Math.abs(freeShapes[i]! - carryShapes[i]!)).toBeLessThan(0.04);
    }
  });

  it("draws a share of carry sums naturally, so they carry more than once and out of the leading column", () => {
    const carryStats = (shape: typeof DEFAULT_SUM_SHAPE) => {
      const carries = generateSumMix(4000, 7, { "carry-free": 0, carry: 1, hard: 0 }, shape).map((e) =>
        sumColumnCarries(...(e.meta!.operands as [number, number])),
      );
      const share = (keep: (c: boolean[]) => boolean) => carries.filter(keep).length / carries.length;
      return { several: share((c) => c.filter(Boolean).length > 1), leading: share((c) => c[0]!) };
    };
    const core = carryStats({ ...DEFAULT_SUM_SHAPE, naturalCarryShare: 0 });
    const natural = carryStats({ ...DEFAULT_SUM_SHAPE, naturalCarryShare: 1 });
    const mixed = carryStats({ ...DEFAULT_SUM_SHAPE, naturalCarryShare: 0.5 });
    expect(core.several).toBeLessThan(0.1);
    expect(core.leading).toBeLessThan(0.3);
    expect(natural.several).toBeGreaterThan(0.4);
    expect(natural.leading).toBeGreaterThan(0.4);
    expect(mixed.several).toBeGreaterThan(core.several + 0.1);
    expect(mixed.several).toBeLessThan(natural.several - 0.1);
  });

  it("makes about half the hard expressions two-digit products", () => {
    const hard = examples.filter((e) => e.meta?.category === "hard");
    const products = hard.filter((e) => /^What is \d{2} \* \d{2}\?$/.test(e.question)).length / hard.length;
    expect(products).toBeGreaterThan(0.4);
    expect(products).toBeLessThan(0.6);
    expect(() => generateSumMix(10, 7, DEFAULT_SUM_MIX, { ...DEFAULT_SUM_SHAPE, productShare: 1.5 })).toThrow(
      /fractions/,
    );
  });

  it("keeps both operands of one length when asked", () => {
    const same = generateSumMix(300, 7, DEFAULT_SUM_MIX, { ...DEFAULT_SUM_SHAPE, sameLength: true });
    for (const e of same.filter((x) => x.meta?.category !== "hard"))
      expect(e.question).toMatch(/^What is (\d{2} \+ \d{2}|\d{3} \+ \d{3})\?$/);
  });

  it("has correct answers and worked column sums", () => {
    for (const e of examples.filter((x) => x.meta?.category !== "hard").slice(0, 200)) {
      const [a, b] = (e.meta?.operands as number[]) ?? [];
      expect(Number(e.answer)).toBe(a! + b!);
      expect(hasCarry(a!, b!)).toBe(e.meta?.category === "carry");
    }
    expect(
      workedSolution({
        id: "x",
        task: "arithmetic",
        question: "",
        answer: "474",
        meta: { operands: [23, 451], operators: ["+"], columns: true },
      }),
    ).toBe("0+4=4. 2+5=7. 3+1=4.");
  });

  it("categorises questions from any source by their text", () => {
    expect(sumCategory("What is 45 + 54?")).toBe("carry-free");
    expect(sumCategory("What is 45 + 55?")).toBe("carry");
    expect(sumCategory("What is 5 + 999?")).toBe("carry");
    expect(sumCategory("What is 123 * 4 + 5?")).toBe("hard");
  });

  it("counts the carrying columns of a sum, the carry out of the leading column included", () => {
    expect(carryCountCategory("What is 45 + 54?")).toBe("carry-free");
    expect(carryCountCategory("What is 45 + 55?")).toBe("several carries");
    expect(carryCountCategory("What is 405 + 155?")).toBe("one carry");
    expect(carryCountCategory("What is 905 + 104?")).toBe("one carry");
    expect(carryCountCategory("What is 37 * 12?")).toBe("hard");
  });

  it("parses a mix and refuses a bad one", () => {
    expect(parseSumMix("0.5,0.3,0.2")).toEqual({ "carry-free": 0.5, carry: 0.3, hard: 0.2 });
    expect(() => parseSumMix("1,2")).toThrow(/three weights/);
    expect(() => parseSumMix("0,0,0")).toThrow(/not all zero/);
    expect(() => parseSumMix("1,-1,0")).toThrow(/non-negative/);
  });
});
