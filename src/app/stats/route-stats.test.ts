import { describe, expect, it } from "vitest";
import type { RouteStat } from "../../core/store";
import { summarize } from "./route-stats";

const DAY = 86_400_000;
const stat = (at: number, route: RouteStat["route"], over: Partial<RouteStat> = {}): RouteStat => ({
  at,
  conversationId: "c",
  turnId: "t",
  route,
  localTokens: 10,
  cloudInputTokens: 0,
  cloudOutputTokens: 0,
  costUsd: 0,
  ...over,
});

describe("summarize", () => {
  it("counts routes per day, tokens, cost and the saving against always-cloud", () => {
    const s = summarize([
      stat(2 * DAY + 5, "cloud", { cloudInputTokens: 100, cloudOutputTokens: 50, costUsd: 0.01 }),
      stat(0, "local", { alwaysCloudCostUsd: 0.02 }),
      stat(1000, "local-declined", { alwaysCloudCostUsd: 0.03 }),
      stat(2 * DAY, "cloud-failed"),
    ]);
    expect(s.turns).toBe(4);
    expect(s.localShare).toBe(0.5);
    expect(s.cloudTokens).toBe(150);
    expect(s.costUsd).toBeCloseTo(0.01);
    expect(s.savedUsd).toBeCloseTo(0.05);
    expect(s.days.map((d) => [d.day, d.local, d.declined, d.cloud, d.failed])).toEqual([
      ["1970-01-01", 1, 1, 0, 0],
      ["1970-01-03", 0, 0, 1, 1],
    ]);
  });
  it("is all zeros with no turns", () => {
    expect(summarize([])).toEqual({
      turns: 0,
      localShare: 0,
      cloudTokens: 0,
      costUsd: 0,
      savedUsd: 0,
      days: [],
    });
  });
});
