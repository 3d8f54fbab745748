import { describe, expect, it } from "vitest";
import {
  ARITHMETIC_LEVELS,
  type ArithmeticLevel,
  arithmeticTask,
  generateArithmetic,
  parseIntegerAnswer,
  workedSolution,
} from "./arithmetic";
import { solutionCompletion } from "./prompt-format";
import type { TaskExample } from "./types";

/** Evaluates "What is a op b op c?" independently of the module: split on + and -, then on *. */
function referenceValue(question: string): number {
  const expression = /^What is (.+)\?$/.exec(question)![1]!;
  const tokens = expression.split(" ");
  let total = 0;
  let sign = 1;
  let product = 1;
  for (const token of tokens) {
    if (token === "+" || token === "-") {
      total += sign * product;
      sign = token === "+" ? 1 : -1;
      product = 1;
    } else if (token !== "*") {
      product *= Number(token);
    }
  }
  return total + sign * product;
}

const operandsOf = (e: TaskExample) => /^What is (.+)\?$/.exec(e.question)![1]!.match(/\d+/g)!.map(Number);

describe("generateArithmetic", () => {
  it("stores the exact value of the expression as the answer", () => {
    for (const e of generateArithmetic(500, 7)) {
      expect(e.task).toBe("arithmetic");
      expect(e.answer).toBe(String(referenceValue(e.question)));
    }
  });

  it("is deterministic by seed and differs across seeds", () => {
    expect(generateArithmetic(50, 3)).toEqual(generateArithmetic(50, 3));
    const other = generateArithmetic(50, 4).map((e) => e.question);
    expect(generateArithmetic(50, 3).map((e) => e.question)).not.toEqual(other);
  });

  it("gives unique ids within a seed", () => {
    const ids = generateArithmetic(200, 1).map((e) => e.id);
    expect(new Set(ids).size).toBe(200);
  });

  it("level 1 adds two same-length operands with no carry, worked column by column", () => {
    for (const e of generateArithmetic(200, 2, 1)) {
      const [, a, b] = /^What is (\d{2,3}) \+ (\d{2,3})\?$/.exec(e.question) ?? [];
      expect(a?.length).toBe(b?.length);
      for (let i = 0; i < a!.length; i++) expect(Number(a![i]) + Number(b![i])).toBeLessThanOrEqual(9);
      expect(e.difficulty).toBe(1);
      const columnSums = workedSolution(e)
        .match(/=(\d)\./g)!
        .map((m) => m[1])
        .join("");
      expect(columnSums).toBe(e.answer);
    }
    const e: TaskExample = {
      id: "c",
      task: "arithmetic",
      question: "What is 24 + 53?",
      answer: "77",
      meta: { operands: [24, 53], operators: ["+"], columns: true },
    };
    expect(workedSolution(e)).toBe("2+5=7. 4+3=7.");
  });

  it("level 5 is three or four three-digit operands and uses multiplication", () => {
    const examples = generateArithmetic(100, 2, 5);
    for (const e of examples) {
      const operands = operandsOf(e);
      expect(operands.length).toBeGreaterThanOrEqual(3);
      expect(operands.length).toBeLessThanOrEqual(4);
      for (const n of operands) expect(n).toBeGreaterThanOrEqual(100);
      for (const n of operands) expect(n).toBeLessThanOrEqual(999);
    }
    expect(examples.some((e) => e.question.includes("*"))).toBe(true);
  });

  it("follows every level's spec", () => {
    for (const level of [1, 2, 3, 4, 5] as ArithmeticLevel[]) {
      const spec = ARITHMETIC_LEVELS[level];
      for (const e of generateArithmetic(100, level, level)) {
        const operands = operandsOf(e);
        expect(operands.length).toBeGreaterThanOrEqual(spec.operands[0]);
        expect(operands.length).toBeLessThanOrEqual(spec.operands[1]);
        for (const n of operands) {
          expect(String(n).length).toBeGreaterThanOrEqual(spec.digits[0]);
          expect(String(n).length).toBeLessThanOrEqual(spec.digits[1]);
        }
        const operators = e.question.match(/ [-+*] /g)!.map((s) => s.trim());
        for (const op of operators) expect(spec.operators).toContain(op);
      }
    }
  });

  it("mixes levels and labels each example with its level", () => {
    const examples = generateArithmetic(300, 9, [2, 4]);
    const levels = new Set(examples.map((e) => e.difficulty));
    expect(levels).toEqual(new Set([2, 4]));
    const allLevels = new Set(generateArithmetic(300, 9).map((e) => e.difficulty));
    expect(allLevels).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it("accepts a custom spec and leaves the difficulty unset", () => {
    const examples = generateArithmetic(20, 1, { digits: [4, 4], operands: [2, 2], operators: ["-"] });
    for (const e of examples) {
      expect(e.question).toMatch(/^What is \d{4} - \d{4}\?$/);
      expect(e.difficulty).toBeUndefined();
    }
  });

  it("rejects specs it cannot generate exactly", () => {
    expect(() => generateArithmetic(1, 1, { digits: [0, 1], operands: [2, 2], operators: ["+"] })).toThrow();
    expect(() => generateArithmetic(1, 1, { digits: [1, 1], operands: [1, 2], operators: ["+"] })).toThrow();
    expect(() => generateArithmetic(1, 1, { digits: [1, 1], operands: [2, 2], operators: [] })).toThrow();
    expect(() => generateArithmetic(1, 1, { digits: [5, 5], operands: [2, 4], operators: ["*"] })).toThrow();
    expect(() => generateArithmetic(1, 1, [])).toThrow();
    expect(() => generateArithmetic(1, 1, [1, 6 as ArithmeticLevel])).toThrow(/Unknown arithmetic level 6/);
  });
});

describe("workedSolution", () => {
  const example: TaskExample = {
    id: "x",
    task: "arithmetic",
    question: "What is 5 + 12 * 3 - 40?",
    answer: "1",
    meta: { operands: [5, 12, 3, 40], operators: ["+", "*", "-"] },
  };

  it("does products first, then sums and differences left to right", () => {
    expect(workedSolution(example)).toBe("12*3=36. 5+36=41. 41-40=1.");
  });

  it("ends with the answer for generated examples (column-worked sums aside)", () => {
    for (const e of generateArithmetic(200, 5).filter((x) => x.meta?.columns !== true)) {
      expect(workedSolution(e).endsWith(`=${e.answer}.`)).toBe(true);
    }
  });

  it("throws for an example without an expression", () => {
    expect(() => workedSolution({ ...example, meta: {} })).toThrow(/no arithmetic expression/);
  });
});

describe("parseIntegerAnswer", () => {
  it.each([
    ["41", 41n],
    [" 41 ", 41n],
    ["+41", 41n],
    ["-7", -7n],
    ["41.0", 41n],
    ["1,234,567", 1234567n],
  ])("reads %j as %s", (text, value) => {
    expect(parseIntegerAnswer(text)).toBe(value);
  });

  it.each([["41.5"], ["41."], ["4 1"], ["41 apples"], ["forty-one"], ["1,23"], ["12*3+5=41"], [""]])(
    "rejects %j",
    (text) => {
      expect(parseIntegerAnswer(text)).toBeUndefined();
    },
  );
});

describe("arithmeticTask.verify", () => {
  const [example] = generateArithmetic(1, 11, 4);

  it("accepts the right integer in the format, including its own warm-up completion", () => {
    const verdict = arithmeticTask.verify(example!, solutionCompletion(example!, workedSolution(example!)));
    expect(verdict).toEqual({ correct: true, formatOk: true, extracted: example!.answer });
    const padded = arithmeticTask.verify(example!, `<think></think><answer> ${example!.answer}.0 </answer>`);
    expect(padded.correct).toBe(true);
  });

  it("rejects a wrong integer and an answer that is not an integer", () => {
    const wrong = String(Number(example!.answer) + 1);
    expect(arithmeticTask.verify(example!, `<think></think><answer>${wrong}</answer>`).correct).toBe(false);
    expect(
      arithmeticTask.verify(example!, `<think></think><answer>${example!.answer}.5</answer>`).correct,
    ).toBe(false);
  });

  it("is incorrect without an answer block even if the number appears", () => {
    const verdict = arithmeticTask.verify(example!, `<think>it is ${example!.answer}</think>`);
    expect(verdict).toEqual({ correct: false, formatOk: false });
  });
});
