import { describe, expect, it } from "vitest";
import type { ScoredGroup } from "../rollout/rollout";
import { categorySteps } from "./category-steps";

/** A carry sum, a visibly hard expression, and a prompt of another task. */
const QUESTIONS = {
  carry: ["arithmetic", "What is 18 + 25?"],
  hard: ["arithmetic", "What is 12 * 34?"],
  all: ["countdown", "Use 3, 5, 7 to make 26."],
} as const;

const group = (category: keyof typeof QUESTIONS, kinds: Array<"local" | "offload">): ScoredGroup => ({
  example: { id: "x", task: QUESTIONS[category][0], question: QUESTIONS[category][1], answer: "0" },
  promptIds: [],
  samples: kinds.map((kind) => ({
    completion: { ids: [], text: "", offloaded: kind === "offload" },
    outcome: kind === "local" ? { kind, correct: true, formatOk: true } : { kind, cloudCorrect: true },
    reward: 0,
  })),
  anyLocalCorrect: true,
  cloudCorrect: true,
});

describe("categorySteps", () => {
  it("averages the advantages of kept offloads per category; dropped groups count only in the cloud rate", () => {
    const groups = [
      group("carry", ["offload", "local"]),
      group("carry", ["offload", "offload"]),
      group("hard", ["offload", "local"]),
      group("all", ["local", "local"]),
    ];
    const kept = new Map([
      [0, [0.5, -0.5]],
      [1, [0.1, 0.3]],
      [3, [0, 0]],
    ]);
    expect(categorySteps(groups, kept)).toEqual({
      carry: { prompts: 2, cloudRate: 3 / 4, offloadAdvantage: expect.closeTo(0.9 / 3, 10) },
      hard: { prompts: 1, cloudRate: 1 / 2, offloadAdvantage: null },
      all: { prompts: 1, cloudRate: 0, offloadAdvantage: null },
    });
  });
});
