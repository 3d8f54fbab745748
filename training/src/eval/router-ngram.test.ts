import { describe, expect, it } from "vitest";
import { routerFromWeights, trainRouter } from "./router-ngram";

describe("n-gram router (router A)", () => {
  it("learns which prompts the local model fails on from a unigram", () => {
    // Token 3 marks hard prompts in this toy set.
    const examples = Array.from({ length: 60 }, (_, i) => ({
      tokens: i % 3 === 0 ? [1, 3, 3, 2] : [1, 2, 2],
      localFails: i % 3 === 0,
    }));
    const router = trainRouter(examples, 8);
    expect(router.score([1, 3, 3, 2])).toBeGreaterThan(0.7);
    expect(router.score([1, 2, 2])).toBeLessThan(0.3);
  });

  it("learns from a bigram when the unigram counts are the same", () => {
    // Same tokens, different order: only the bigram (2, 1) tells the failing prompts apart.
    const examples = Array.from({ length: 80 }, (_, i) => ({
      tokens: i % 2 === 0 ? [2, 1, 3] : [1, 2, 3],
      localFails: i % 2 === 0,
    }));
    const router = trainRouter(examples, 4);
    expect(router.score([2, 1, 3])).toBeGreaterThan(0.7);
    expect(router.score([1, 2, 3])).toBeLessThan(0.3);
  });

  it("scores the same after its weights go through JSON, and refuses bad weights", () => {
    const router = trainRouter(
      [
        { tokens: [1, 2], localFails: true },
        { tokens: [3], localFails: false },
      ],
      4,
      { epochs: 20 },
    );
    const loaded = routerFromWeights(JSON.parse(JSON.stringify(router.weights)));
    expect(loaded.score([1, 2, 2])).toBe(router.score([1, 2, 2]));
    expect(() => routerFromWeights({ vocabSize: 1, values: [1, Number.NaN, 0, 0] })).toThrow(/finite/);
    expect(() => routerFromWeights({ vocabSize: 4, values: [0] })).toThrow(/22 numbers/);
  });
});
