import { describe, expect, it } from "vitest";
import { createRng } from "../tasks/rng";
import type { TaskExample } from "../tasks/types";
import { exampleDraw, operandShape, warmupCosine } from "./warmup";

const sum = (a: number, b: number): TaskExample => ({
  id: `${a}+${b}`,
  task: "arithmetic",
  question: `What is ${a} + ${b}?`,
  answer: String(a + b),
});

describe("warmupCosine", () => {
  it("rises linearly to the full rate, then decays by a cosine to zero", () => {
    expect(warmupCosine(1, 1000, 100)).toBeCloseTo(0.01);
    expect(warmupCosine(50, 1000, 100)).toBeCloseTo(0.5);
    expect(warmupCosine(100, 1000, 100)).toBe(1);
    expect(warmupCosine(101, 1000, 100)).toBe(1);
    expect(warmupCosine(551, 1000, 100)).toBeCloseTo(0.5);
    expect(warmupCosine(1000, 1000, 100)).toBeLessThan(1e-4);
    for (let step = 101; step < 1000; step++)
      expect(warmupCosine(step + 1, 1000, 100)).toBeLessThan(warmupCosine(step, 1000, 100));
  });

  it("without a rise is the plain cosine from the first step", () => {
    expect(warmupCosine(1, 400, 0)).toBe(1);
    expect(warmupCosine(201, 400, 0)).toBeCloseTo(0.5);
  });
});

describe("the warm-up's draw of examples", () => {
  // 90 sums of a 2- and a 3-digit operand, 10 of two 2-digit ones.
  const pool = [
    ...Array.from({ length: 90 }, (_, i) => sum(10 + i, 300 + i)),
    ...Array.from({ length: 10 }, (_, i) => sum(10 + i, 20 + i)),
  ];
  const shareOfTwoDigitPairs = (balance: boolean) => {
    const draw = exampleDraw(pool, balance, createRng(3));
    const n = 4000;
    return Array.from({ length: n }, draw).filter((e) => operandShape(e) === "2+2").length / n;
  };

  it("names a question's shape by the digit counts of its numbers", () => {
    expect(operandShape(sum(57, 348))).toBe("2+3");
    expect(operandShape({ ...sum(1, 1), question: "What is 123 * 4 + 56?" })).toBe("3+1+2");
  });

  it("follows the pool's proportions, or gives every shape an equal share when balanced", () => {
    expect(shareOfTwoDigitPairs(false)).toBeCloseTo(0.1, 1);
    expect(shareOfTwoDigitPairs(true)).toBeCloseTo(0.5, 1);
  });
});
