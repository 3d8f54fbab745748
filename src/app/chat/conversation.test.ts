import { describe, expect, it } from "vitest";
import type { RouteRecord } from "../../core/router";
import type { Turn } from "../../core/store";
import { approxTokens, conversationFor, routeStatFor, titleFor } from "./conversation";

const turn = (over: Partial<Turn>): Turn => ({
  id: "t",
  conversationId: "c",
  seq: 0,
  user: "u",
  answer: "a",
  source: "local",
  status: "done",
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

const record = (over: Partial<RouteRecord>): RouteRecord => ({
  route: "local",
  reason: "answered on device",
  localTokens: 10,
  timings: { totalMs: 5 },
  stopped: false,
  startedAt: 123,
  ...over,
});

describe("conversationFor", () => {
  it("sends finished turns, skips one still streaming and an empty answer", () => {
    const msgs = conversationFor(
      "be brief",
      [
        turn({ user: "hi", answer: "hello" }),
        turn({ user: "cut", answer: "" }),
        turn({ user: "x", status: "streaming" }),
      ],
      "next",
    );
    expect(msgs).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
      { role: "user", content: "cut" },
      { role: "user", content: "next" },
    ]);
    expect(conversationFor("  ", [], "q")).toEqual([{ role: "user", content: "q" }]);
  });
});

describe("titleFor", () => {
  it("uses the first line, shortened", () => {
    expect(titleFor("  What is 2+2?\nmore")).toBe("What is 2+2?");
    expect(titleFor("x".repeat(100))).toHaveLength(58);
    expect(titleFor("   ")).toBe("New conversation");
  });
});

describe("routeStatFor", () => {
  const msgs = [{ role: "user" as const, content: "x".repeat(400) }];
  it("prices a local turn as if the cloud had answered it", () => {
    const stat = routeStatFor(turn({}), record({ localTokens: 200 }), msgs, "claude-haiku-4-5");
    expect(approxTokens(msgs)).toBe(100);
    expect(stat).toMatchObject({ route: "local", costUsd: 0, cloudInputTokens: 0, at: 123 });
    expect(stat.alwaysCloudCostUsd).toBeCloseTo((100 * 1 + 200 * 5) / 1e6);
  });
  it("keeps a cloud turn's own usage and cost", () => {
    const stat = routeStatFor(
      turn({}),
      record({
        route: "cloud",
        cloudModel: "claude-haiku-4-5",
        cloudUsage: { inputTokens: 50, outputTokens: 70 },
        estimatedCostUsd: 0.0004,
      }),
      msgs,
      "claude-haiku-4-5",
    );
    expect(stat).toMatchObject({
      cloudInputTokens: 50,
      cloudOutputTokens: 70,
      costUsd: 0.0004,
      alwaysCloudCostUsd: 0.0004,
    });
  });
  it("leaves the saving out for a model with no known price", () => {
    expect(routeStatFor(turn({}), record({}), msgs, "unknown-model").alwaysCloudCostUsd).toBeUndefined();
  });
});
