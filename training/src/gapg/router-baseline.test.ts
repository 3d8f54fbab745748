import { describe, expect, it } from "vitest";
import { routerFromWeights, trainRouter } from "./router-baseline";

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

  it("scores the same after its weights go through JSON", () => {
    const router = trainRouter(
      [
        { tokens: [1, 2], localFails: true },
        { tokens: [3], localFails: false },
      ],
      4,
      {
        epochs: 20,
      },
    );
    const loaded = routerFromWeights(JSON.parse(JSON.stringify(router.weights)));
    expect(loaded.score([1, 2, 2])).toBe(router.score([1, 2, 2]));
    expect(() => routerFromWeights([1, Number.NaN, 0])).toThrow(/finite/);
  });
});
