import { describe, expect, it } from "vitest";
import { auc } from "./auc";
import { budgetThreshold, offloadPosition, offloadScore } from "./decision";

describe("the offload decision rule", () => {
  const o = { margins: [-3, -0.5, -4, 1.2, -2] };

  it("offloads at the first position whose margin plus the bias is positive", () => {
    expect(offloadPosition(o, 0)).toBe(3);
    expect(offloadPosition(o, 1)).toBe(1);
    expect(offloadPosition(o, -1.3)).toBeUndefined();
    expect(offloadScore(o)).toBe(1.2);
    // The score is exactly the bias at which the decision flips.
    expect(offloadPosition(o, -1.2 + 1e-9)).toBe(3);
    expect(offloadPosition(o, -1.2 - 1e-9)).toBeUndefined();
  });

  it("puts exactly the budget's share of calibration scores above the threshold", () => {
    const scores = [5, 1, 4, 2, 3, 0, 9, 8, 7, 6];
    expect(scores.filter((s) => s > budgetThreshold(scores, 0.3))).toEqual([9, 8, 7]);
    expect(scores.filter((s) => s > budgetThreshold(scores, 0)).length).toBe(0);
    expect(scores.filter((s) => s > budgetThreshold(scores, 1)).length).toBe(10);
    expect(() => budgetThreshold([], 0.3)).toThrow(/at least one/);
  });
});

describe("AUC", () => {
  it("is 1 for a perfect ranking, 0.5 for ties, and counts ties as half", () => {
    expect(auc([0.9, 0.8, 0.1, 0.2], [true, true, false, false])).toBe(1);
    expect(auc([0.1, 0.2, 0.9, 0.8], [true, true, false, false])).toBe(0);
    expect(auc([1, 1, 1, 1], [true, false, true, false])).toBe(0.5);
    expect(auc([3, 1, 2], [true, false, true])).toBe(1);
    expect(auc([2, 2, 1], [true, false, false])).toBe(0.75);
    expect(auc([1, 2], [true, true])).toBeNaN();
  });
});
