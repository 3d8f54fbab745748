import { describe, expect, it } from "vitest";
import { useBackend } from "../model/backend";
import { PRESETS, type Qwen2Config } from "../model/config";
import { initParams } from "../model/qwen2";
import { pickToken, sampleContinuations } from "./tfjs-sampler";

const c: Qwen2Config = {
  ...PRESETS.tiny,
  vocabSize: 16,
  hiddenSize: 16,
  intermediateSize: 32,
  numLayers: 1,
  numHeads: 2,
  numKvHeads: 1,
};

describe("sampling", () => {
  it("is greedy at temperature 0 and keeps only the top token with a tiny top-p", () => {
    const logits = new Float32Array([0.1, 3, 0.5, 2.9]);
    expect(pickToken(logits, 0, 1, 0.99)).toBe(1);
    expect(pickToken(logits, 1, 1e-6, 0.99)).toBe(1);
  });

  it("follows the softmax at temperature 1", () => {
    const logits = new Float32Array([Math.log(3), 0]);
    let first = 0;
    for (let i = 0; i < 1000; i++) if (pickToken(logits, 1, 1, (i + 0.5) / 1000) === 0) first++;
    expect(first / 1000).toBeCloseTo(0.75, 1);
  });

  it("samples G continuations reproducibly, stops at a stop token and never samples a banned one", async () => {
    await useBackend("wasm");
    const params = initParams(c, 5);
    const o = { samples: 4, maxNewTokens: 12, temperature: 1.5, stopIds: [3], bannedIds: [7], seed: 9 };
    const a = await sampleContinuations(c, params, [1, 2, 4], o);
    const b = await sampleContinuations(c, params, [1, 2, 4], o);
    expect(a).toEqual(b);
    expect(a).toHaveLength(4);
    for (const seq of a) {
      expect(seq.length).toBeLessThanOrEqual(12);
      expect(seq).not.toContain(7);
      const stop = seq.indexOf(3);
      if (stop >= 0) expect(stop).toBe(seq.length - 1);
    }
  });
});
