import { describe, expect, it } from "vitest";
import { trainRouter } from "./router-baseline";

describe("router baseline", () => {
  it("learns which prompts the local model fails on", () => {
    // Token 3 marks hard prompts in this toy set.
    const examples = Array.from({ length: 60 }, (_, i) => ({
      tokens: i % 3 === 0 ? [1, 3, 3, 2] : [1, 2, 2],
      localFails: i % 3 === 0,
    }));
    const router = trainRouter(examples, 8);
    expect(router.score([1, 3, 3, 2])).toBeGreaterThan(0.7);
    expect(router.score([1, 2, 2])).toBeLessThan(0.3);
  });
});
