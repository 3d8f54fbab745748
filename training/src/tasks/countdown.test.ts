import { describe, expect, it } from "vitest";
import { countdownInstance, countdownTask, DEFAULT_COUNTDOWN_SPEC, generateCountdown } from "./countdown";
import { checkCountdownEquation } from "./countdown-equation";
import { solutionCompletion } from "./prompt-format";

describe("generateCountdown", () => {
  const examples = generateCountdown(500, 13);

  it("always stores an answer that solves the instance", () => {
    for (const e of examples) {
      const { numbers, target } = countdownInstance(e);
      expect(checkCountdownEquation(numbers, target, e.answer), `${e.id}: ${e.answer}`).toEqual({ ok: true });
    }
  });

  it("keeps to the spec: 3-4 numbers in 1-99, a positive integer target up to 100 that is not a given number", () => {
    const counts = new Set<number>();
    for (const e of examples) {
      const { numbers, target } = countdownInstance(e);
      counts.add(numbers.length);
      expect(e.difficulty).toBe(numbers.length);
      for (const n of numbers) {
        expect(Number.isInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(DEFAULT_COUNTDOWN_SPEC.maxNumber);
      }
      expect(Number.isInteger(target)).toBe(true);
      expect(target).toBeGreaterThanOrEqual(1);
      expect(target).toBeLessThanOrEqual(DEFAULT_COUNTDOWN_SPEC.maxTarget);
      expect(numbers).not.toContain(target);
    }
    expect(counts).toEqual(new Set([3, 4]));
  });

  it("states the numbers, the target and the rules in the question", () => {
    const e = examples[0]!;
    const { numbers, target } = countdownInstance(e);
    expect(e.question).toContain(`[${numbers.join(", ")}]`);
    expect(e.question).toContain(`equals ${target}.`);
    expect(e.question).toContain("each number at most once");
  });

  it("is deterministic by seed and differs across seeds", () => {
    expect(generateCountdown(30, 13)).toEqual(examples.slice(0, 30));
    expect(generateCountdown(30, 14).map((e) => e.question)).not.toEqual(
      examples.slice(0, 30).map((e) => e.question),
    );
  });

  it("honours a custom spec and refuses an invalid one", () => {
    for (const e of generateCountdown(50, 1, { count: [2, 2], maxNumber: 9, maxTarget: 1000 })) {
      const { numbers, target } = countdownInstance(e);
      expect(numbers).toHaveLength(2);
      expect(Math.max(...numbers)).toBeLessThanOrEqual(9);
      expect(checkCountdownEquation(numbers, target, e.answer).ok).toBe(true);
    }
    expect(() => generateCountdown(1, 1, { count: [1, 1], maxNumber: 9, maxTarget: 9 })).toThrow(/Invalid/);
    expect(() => generateCountdown(1, 1, { count: [3, 4], maxNumber: 1, maxTarget: 9 })).toThrow(/Invalid/);
  });
});

describe("countdownTask.verify", () => {
  const example = {
    id: "c",
    task: "countdown" as const,
    question: "Using the numbers [44, 19, 3, 7], create an equation that equals 82.",
    answer: "(44 - 19) * 3 + 7",
    meta: { numbers: [44, 19, 3, 7], target: 82 },
  };

  it("accepts the stored answer and any other valid equation", () => {
    expect(countdownTask.verify(example, solutionCompletion(example, "44-19=25, 25*3=75, 75+7=82"))).toEqual({
      correct: true,
      formatOk: true,
      extracted: "(44 - 19) * 3 + 7",
    });
    expect(countdownTask.verify(example, "<think></think><answer>7 + 3 * (44 - 19)</answer>").correct).toBe(
      true,
    );
  });

  it("rejects wrong, reused or foreign numbers", () => {
    expect(countdownTask.verify(example, "<think></think><answer>44 + 19 + 3 + 7</answer>").correct).toBe(
      false,
    );
    expect(countdownTask.verify(example, "<think></think><answer>44 + 19 + 19</answer>").correct).toBe(false);
    expect(countdownTask.verify(example, "<think></think><answer>80 + 2</answer>").correct).toBe(false);
  });

  it("verifies every generated instance's own warm-up completion", () => {
    for (const e of generateCountdown(50, 2)) {
      expect(countdownTask.verify(e, solutionCompletion(e, "")).correct).toBe(true);
    }
  });

  it("throws for an example without numbers and target", () => {
    expect(() =>
      countdownTask.verify({ ...example, meta: { numbers: [1, 2] } }, "<answer>3</answer>"),
    ).toThrow(/no countdown numbers/);
  });
});
