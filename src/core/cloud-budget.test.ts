import { describe, expect, it } from "vitest";
import { InMemoryRouteHistory, withinBudget } from "./cloud-budget";

describe("cloud budget", () => {
  it("allows 30% of any 10 consecutive turns", () => {
    const budget = { maxCloudShare: 0.3, windowTurns: 10 };
    const h = new InMemoryRouteHistory();
    const decisions: boolean[] = [];
    for (let i = 0; i < 12; i++) {
      const ok = withinBudget(budget, h);
      decisions.push(ok);
      h.add(ok ? "cloud" : "local");
    }
    // Three cloud turns, then seven refused until the first cloud turn leaves the window.
    expect(decisions).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it("allows nothing with a zero share", () => {
    expect(withinBudget({ maxCloudShare: 0, windowTurns: 20 }, new InMemoryRouteHistory())).toBe(false);
  });
});
