import { describe, expect, it } from "vitest";
import { answersEquivalent, lastBoxed, mathTask, normalizeMathAnswer } from "./math-answer";
import type { TaskExample } from "./types";

describe("lastBoxed", () => {
  it.each([
    ["so $x = \\boxed{5}$.", "5"],
    ["first \\boxed{1}, then \\boxed{2}", "2"],
    ["$\\boxed{\\frac{1}{2}}$", "\\frac{1}{2}"],
    ["$\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$", "\\left( 3, \\frac{\\pi}{2} \\right)"],
    ["\\boxed {7}", "7"],
    ["$\\fbox{12}$", "12"],
    ["The answer is $\\boxed 5$.", "5"],
    ["$\\boxed{\\{1, 2\\}}$", "\\{1, 2\\}"],
  ])("finds the answer in %j", (text, answer) => {
    expect(lastBoxed(text)).toBe(answer);
  });

  it.each([["no box here"], ["\\boxed{\\frac{1}{2}"], ["\\boxed"], ["\\boxedx{3}"]])(
    "finds nothing in %j",
    (text) => {
      expect(lastBoxed(text)).toBeUndefined();
    },
  );
});

describe("normalizeMathAnswer", () => {
  it.each([
    ["\\boxed{\\dfrac{3}{4}}", "3/4"],
    ["\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\pi/2)"],
    ["\\frac{\\sqrt3}{2}", "\\sqrt{3}/2"],
    ["\\frac{1+x}{2}", "(1+x)/2"],
    ["\\frac{\\frac{1}{2}}{3}", "(1/2)/3"],
    ["2\\frac{1}{2}", "2(1/2)"],
    ["\\$1,000,000.", "1000000"],
    ["5 \\text{ cm}^2", "5"],
    ["x = 5", "5"],
    ["90^\\circ", "90"],
    ["\\text{Monday}", "Monday"],
    ["1\\,000", "1000"],
  ])("normalises %j to %j", (answer, normal) => {
    expect(normalizeMathAnswer(answer)).toBe(normal);
  });
});

describe("answersEquivalent", () => {
  it.each([
    ["72", "72"],
    [" 72 ", "72."],
    ["1,200", "1200"],
    ["$1,200", "1200"],
    ["\\$18", "18"],
    ["18 dollars", "18"],
    ["18.00", "18"],
    ["50\\%", "50"],
    ["50%", "50"],
    ["3/4", "0.75"],
    ["\\frac{3}{4}", "0.75"],
    ["\\dfrac{3}{4}", "3/4"],
    ["\\tfrac34", "\\frac{3}{4}"],
    ["-\\frac{3}{4}", "-0.75"],
    ["\\frac{-3}{4}", "-3/4"],
    ["0.333333333", "1/3"],
    [".5", "1/2"],
    ["\\frac{\\sqrt{3}}{2}", "\\frac{\\sqrt3}{2}"],
    ["\\left(3, \\frac{\\pi}{2}\\right)", "(3,\\frac{\\pi}{2})"],
    ["30^\\circ", "30"],
    ["30^{\\circ}", "30"],
    ["\\text{(C)}", "(C)"],
    ["x=2", "2"],
    ["\\boxed{10}", "10"],
    ["10\\!", "10"],
    ["\\[5\\]", "5"],
    ["\u22125", "-5"],
    ["5\\text{ inches}", "5"],
    ["1000000", "1,000,000"],
  ])("%j ≡ %j", (a, b) => {
    expect(answersEquivalent(a, b)).toBe(true);
    expect(answersEquivalent(b, a)).toBe(true);
  });

  it.each([
    ["72", "73"],
    ["0.33", "1/3"],
    ["3/4", "4/3"],
    ["-5", "5"],
    ["5x", "5"],
    ["2x+2", "2(x+1)"],
    ["(1,2)", "(2,1)"],
    ["\\sqrt{3}/2", "3/2"],
    ["1/0", "0"],
    ["", ""],
    ["", "0"],
    ["1000", "1001"],
    ["1e-7", "0"],
  ])("%j ≢ %j", (a, b) => {
    expect(answersEquivalent(a, b)).toBe(false);
    expect(answersEquivalent(b, a)).toBe(false);
  });

  it("compares numbers relatively, so large answers tolerate rounding and small ones do not merge", () => {
    expect(answersEquivalent("1000000", "1000000.0000001")).toBe(true);
    expect(answersEquivalent("0.000001", "0.000002")).toBe(false);
  });
});

describe("mathTask.verify", () => {
  const example: TaskExample = {
    id: "m",
    task: "math",
    question: "What is 3/4 as a decimal?",
    answer: "\\frac{3}{4}",
  };

  it("accepts an equivalent answer and rejects a different one", () => {
    expect(mathTask.verify(example, "<think>3 over 4</think><answer>0.75</answer>")).toEqual({
      correct: true,
      formatOk: true,
      extracted: "0.75",
    });
    expect(mathTask.verify(example, "<think></think><answer>$\\boxed{\\dfrac34}$</answer>").correct).toBe(
      true,
    );
    expect(mathTask.verify(example, "<think></think><answer>0.7</answer>").correct).toBe(false);
    expect(mathTask.verify(example, "<think></think><answer></answer>").correct).toBe(false);
  });
});
