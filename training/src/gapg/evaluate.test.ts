import { describe, expect, it } from "vitest";
import { budgetThreshold, type PromptOutcome, score } from "./evaluate";
import { gapClosed, methodRows } from "./method-table";
import type { RunCalibration } from "./run-folder";

const outcome = (localCorrect: boolean, offloadMargin: number, modelOffloads = false): PromptOutcome => ({
  example: { id: String(offloadMargin), task: "arithmetic", question: "q", answer: "1" },
  modelOffloads,
  offloadMargin,
  localCorrect,
  cloudCorrect: true,
});

describe("budget thresholds", () => {
  it("puts exactly the budget's share of calibration scores above the threshold", () => {
    const scores = [5, 1, 4, 2, 3, 0, 9, 8, 7, 6];
    const t = budgetThreshold(scores, 0.3);
    expect(scores.filter((s) => s > t)).toEqual([9, 8, 7]);
    expect(scores.filter((s) => s > budgetThreshold(scores, 0)).length).toBe(0);
    expect(scores.filter((s) => s > budgetThreshold(scores, 1)).length).toBe(10);
    expect(Number.isFinite(budgetThreshold(scores, 1))).toBe(true);
  });
});

describe("scoring a decider", () => {
  // Two prompts the local model fails (margins 3 and 2), two it solves.
  const results = [outcome(false, 3), outcome(false, 2, true), outcome(true, -1), outcome(true, 1)];

  it("offloads by threshold and measures precision and recall against local failures", () => {
    const r = score(results, { kind: "threshold", threshold: 1.5, score: (o) => o.offloadMargin });
    expect(r).toMatchObject({ systemAccuracy: 1, cloudRate: 0.5, offloadPrecision: 1, offloadRecall: 1 });
    const wide = score(results, { kind: "threshold", threshold: 0, score: (o) => o.offloadMargin });
    expect(wide.offloadPrecision).toBeCloseTo(2 / 3);
    expect(wide.localAccuracy).toBe(1);
  });

  it("uses the model's own greedy decision, never, and always", () => {
    expect(score(results, { kind: "model" })).toMatchObject({ cloudRate: 0.25, systemAccuracy: 0.75 });
    expect(score(results, { kind: "never" })).toMatchObject({ cloudRate: 0, systemAccuracy: 0.5 });
    expect(score(results, { kind: "always" })).toMatchObject({ cloudRate: 1, systemAccuracy: 1 });
  });

  it("builds the method table and the share of the gap a method closes", () => {
    const calibration: RunCalibration = {
      version: 1,
      budget: 0.5,
      seed: 1,
      router: { weights: [0, 0, 0], threshold: 0.5 },
      marginThresholds: { gapg: 1.5, "collab-aware": -5 },
    };
    const rows = methodRows(
      { "warm-up": results, "task-only": results, "collab-aware": results, gapg: results },
      calibration,
      () => [0],
    );
    expect(rows.map((r) => r.method)).toContain("GAPG (offload bias at the budget)");
    expect(gapClosed(rows, "GAPG (offload bias at the budget)")).toBe(1);
    expect(gapClosed(rows, "GAPG (own decision)")).toBe(0.5);
    expect(
      rows.find((r) => r.method.startsWith("Collaboration-Aware Tuning (offload"))?.result.cloudRate,
    ).toBe(1);
  });
});
