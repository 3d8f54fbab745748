import { describe, expect, it } from "vitest";
import { generateArithmetic, workedSolution } from "./arithmetic";
import { generateCountdown } from "./countdown";
import { taskFor } from "./index";
import { parseMathJsonl } from "./math-jsonl";
import { OFFLOAD_TOKEN, solutionCompletion } from "./prompt-format";
import type { TaskExample } from "./types";

const samples: Record<TaskExample["task"], TaskExample> = {
  arithmetic: generateArithmetic(1, 1, 3)[0]!,
  math: parseMathJsonl(JSON.stringify({ problem: "Half of 1?", solution: "It is $\\boxed{\\frac12}$." }))[0]!,
  countdown: generateCountdown(1, 1)[0]!,
};

describe("taskFor", () => {
  it.each(["arithmetic", "math", "countdown"] as const)("returns the %s verifier", (name) => {
    const task = taskFor(name);
    expect(task.name).toBe(name);
    const example = samples[name];
    const reasoning = name === "arithmetic" ? workedSolution(example) : "";
    expect(task.verify(example, solutionCompletion(example, reasoning))).toEqual({
      correct: true,
      formatOk: true,
      extracted: example.answer,
    });
    expect(task.verify(example, "<think></think><answer>999999</answer>").correct).toBe(false);
    expect(task.verify(example, `<think>too hard</think>${OFFLOAD_TOKEN}`)).toEqual({
      correct: false,
      formatOk: false,
    });
  });

  it("throws for an unknown task, including inherited property names", () => {
    expect(() => taskFor("gsm8k")).toThrow(/Unknown task "gsm8k"; known tasks: arithmetic, math, countdown/);
    expect(() => taskFor("toString")).toThrow(/Unknown task/);
  });
});
