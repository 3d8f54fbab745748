import { describe, expect, it } from "vitest";
import type { TaskExample } from "../tasks/types";
import { gapClosed, type MethodInputs, methodRows, oracleGainReached, rowOf } from "./methods";
import type { PromptOutcome } from "./outcomes";
import { budgetSweep } from "./sweep";

const example = (i: number, category: string): TaskExample => ({
  id: String(i),
  task: "arithmetic",
  question: `q${i}`,
  answer: "1",
  meta: { category },
});

// Ten prompts: the local model fails 0-2 ("hard"); the cloud is always right.
const outcomes: PromptOutcome[] = Array.from({ length: 10 }, (_, i) => ({
  example: example(i, i < 3 ? "hard" : "easy"),
  localCorrect: i >= 3,
  cloudCorrect: true,
  // The model's margins: high somewhere in the answer of the prompts it fails.
  margins: i < 3 ? [-5, 2 - i * 0.1, -5] : [-5, -4 - i * 0.1],
  answerTokens: [],
}));

const inputs = (routerTest: number[]): MethodInputs => ({
  test: { "warm-up": outcomes, "task-only": outcomes, "collab-aware": outcomes, gapg: outcomes },
  validation: {
    gapg: [2, 1.9, 1.8, -4, -4.1, -4.2, -4.3, -4.4, -4.5, -4.6],
    "collab-aware": [9, 9, 9, 9, 9, 9, 9, 9, 9, 9],
  },
  routers: {
    "router-ngram": { validation: [0.9, 0.8, 0.7, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], test: routerTest },
    "router-model": { validation: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], test: routerTest },
  },
  randomDraws: 20,
  seed: 1,
  category: (e) => String(e.meta?.category),
});

describe("methods at a budget", () => {
  const rows = methodRows(inputs([0.1, 0.1, 0.1, 0.9, 0.8, 0.7, 0.1, 0.1, 0.1, 0.1]), 0.3);

  it("scores the model's decision with the bias calibrated on validation scores", () => {
    const gapg = rowOf(rows, "gapg");
    expect(gapg.result).toMatchObject({
      systemAccuracy: 1,
      cloudRate: 0.3,
      offloadPrecision: 1,
      offloadRecall: 1,
    });
    expect(gapg.auc).toBe(1);
    expect(gapg.offloadPositions).toEqual([0, 1, 2].map(() => ({ category: "hard", position: 1 })));
    expect(gapg.byCategory.hard).toMatchObject({ cloudRate: 1, systemAccuracy: 1 });
    expect(gapg.byCategory.easy).toMatchObject({ cloudRate: 0, systemAccuracy: 1 });
    // b = 0: the same prompts, since their margins are positive.
    expect(rowOf(rows, "gapg-own").result.cloudRate).toBe(0.3);
  });

  it("thresholds routers on their validation scores and measures their AUC", () => {
    // This router ranks the wrong prompts highest: it offloads three the local model solves.
    const router = rowOf(rows, "router-ngram");
    expect(router.result).toMatchObject({ cloudRate: 0.3, systemAccuracy: 0.7, offloadPrecision: 0 });
    // The failing prompts tie with four of the seven solved ones (ties count half).
    expect(router.auc).toBeCloseTo(2 / 7);
  });

  it("bounds every method between task-only and the oracle, and averages random draws", () => {
    expect(rowOf(rows, "task-only").result).toMatchObject({ systemAccuracy: 0.7, cloudRate: 0 });
    expect(rowOf(rows, "cloud-only").result).toMatchObject({ systemAccuracy: 1, cloudRate: 1 });
    expect(rowOf(rows, "oracle").result).toMatchObject({ systemAccuracy: 1, cloudRate: 0.3 });
    const random = rowOf(rows, "random").result;
    expect(random.cloudRate).toBeGreaterThan(0.15);
    expect(random.cloudRate).toBeLessThan(0.45);
    expect(random.systemAccuracy).toBeCloseTo(0.7 + 0.3 * random.cloudRate, 1);
    expect(gapClosed(rows, "gapg")).toBe(1);
    expect(oracleGainReached(rows, "gapg")).toBe(1);
    // Collaboration-aware tuning's validation scores are all high: at a 30% budget its bias puts
    // nothing over the line, at b = 0 every prompt (its margins are below 9 everywhere).
    expect(rowOf(rows, "collab-aware").result.cloudRate).toBe(0);
  });

  it("sweeps budgets for the budget-following methods only", () => {
    const sweep = budgetSweep(inputs([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 0.3, [0, 0.3]);
    const gapg = sweep.curves.filter((p) => p.method.startsWith("GAPG (bias"));
    expect(gapg.map((p) => [p.budget, p.cloudRate])).toEqual([
      [0, 0],
      [0.3, 0.3],
    ]);
    expect(sweep.curves.filter((p) => p.method === "Cloud only")).toHaveLength(1);
  });
});
