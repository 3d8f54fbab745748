import { describe, expect, it } from "vitest";
import { generateArithmetic } from "./arithmetic";
import { builtinSplit, splitBySeed } from "./splits";

const questions = (examples: readonly { question: string }[]) => examples.map((e) => e.question);

function expectNoOverlap(train: readonly { question: string }[], test: readonly { question: string }[]) {
  const trainQuestions = new Set(train.map((e) => e.question.trim().replace(/\s+/g, " ")));
  for (const e of test) expect(trainQuestions.has(e.question.trim().replace(/\s+/g, " "))).toBe(false);
}

describe("splitBySeed", () => {
  const examples = Array.from({ length: 100 }, (_, i) => ({ question: `q${i}`, i }));

  it("puts the requested share in test and everything else in train, in input order", () => {
    const { train, test } = splitBySeed(examples, 0.2, 1);
    expect(test).toHaveLength(20);
    expect(train).toHaveLength(80);
    expect([...train, ...test].map((e) => e.i).sort((a, b) => a - b)).toEqual(examples.map((e) => e.i));
    for (const side of [train, test]) {
      expect(side.map((e) => e.i)).toEqual([...side.map((e) => e.i)].sort((a, b) => a - b));
    }
  });

  it("is deterministic by seed and differs across seeds", () => {
    expect(splitBySeed(examples, 0.2, 1)).toEqual(splitBySeed(examples, 0.2, 1));
    expect(questions(splitBySeed(examples, 0.2, 2).test)).not.toEqual(
      questions(splitBySeed(examples, 0.2, 1).test),
    );
  });

  it("keeps each repeated question once, on one side only", () => {
    const repeated = [
      ...examples,
      { question: "q3", i: 100 },
      { question: "  q3 ", i: 101 },
      { question: "q7", i: 102 },
      { question: "q1\n", i: 103 },
    ];
    for (let seed = 0; seed < 20; seed++) {
      const { train, test } = splitBySeed(repeated, 0.5, seed);
      expect(train.length + test.length).toBe(100);
      expect(test).toHaveLength(50);
      expectNoOverlap(train, test);
      expect([...train, ...test].every((e) => e.i < 100)).toBe(true);
    }
  });

  it("handles the extremes and rejects fractions outside [0, 1]", () => {
    expect(splitBySeed(examples, 0, 1).test).toHaveLength(0);
    expect(splitBySeed(examples, 1, 1).train).toHaveLength(0);
    expect(splitBySeed([], 0.5, 1)).toEqual({ train: [], test: [] });
    expect(() => splitBySeed(examples, 1.5, 1)).toThrow(RangeError);
    expect(() => splitBySeed(examples, Number.NaN, 1)).toThrow(RangeError);
  });

  it("splits generated data with duplicates without leaking", () => {
    // One-digit sums have only 81 distinct questions, so 300 draws repeat many of them.
    const oneDigitSums = {
      digits: [1, 1] as [number, number],
      operands: [2, 2] as [number, number],
      operators: ["+" as const],
    };
    const { train, test } = splitBySeed(generateArithmetic(300, 4, oneDigitSums), 0.25, 4);
    expect(train.length + test.length).toBeLessThanOrEqual(81);
    expectNoOverlap(train, test);
  });
});

describe("builtinSplit", () => {
  it.each(["arithmetic", "countdown"] as const)(
    "gives %s splits of the exact sizes with no overlap",
    (task) => {
      const { train, test } = builtinSplit(task, 3, { train: 300, test: 100 });
      expect(train).toHaveLength(300);
      expect(test).toHaveLength(100);
      expect(new Set(questions(train)).size).toBe(300);
      expectNoOverlap(train, test);
      for (const e of [...train, ...test]) expect(e.task).toBe(task);
    },
  );

  it("is deterministic by seed and differs across seeds", () => {
    const sizes = { train: 50, test: 20 };
    const a = builtinSplit("countdown", 5, sizes);
    expect(builtinSplit("countdown", 5, sizes)).toEqual(a);
    expect(questions(builtinSplit("countdown", 6, sizes).test)).not.toEqual(questions(a.test));
  });

  it("uses the paper's 5K/1K sizes by default", () => {
    const { train, test } = builtinSplit("countdown", 1);
    expect(train).toHaveLength(5000);
    expect(test).toHaveLength(1000);
  });

  it("rejects invalid sizes", () => {
    expect(() => builtinSplit("arithmetic", 1, { train: -1, test: 10 })).toThrow(RangeError);
    expect(() => builtinSplit("arithmetic", 1, { train: 1.5, test: 10 })).toThrow(RangeError);
  });
});
