import { describe, expect, it } from "vitest";
import { tf, useBackend } from "./backend";
import { PRESETS, type Qwen2Config } from "./config";
import { disposeCache, forward, initParams, parameterShapes, sequenceLogProbs } from "./qwen2";
import { maxAbsDiff } from "./test-helpers";

const small: Qwen2Config = {
  ...PRESETS.tiny,
  vocabSize: 64,
  hiddenSize: 32,
  intermediateSize: 48,
  numHeads: 4,
  numKvHeads: 2,
};
const ids = [
  [1, 5, 9, 2, 7, 3],
  [4, 4, 8, 1, 0, 6],
];

function logitsAndGrads(backendParams: ReturnType<typeof initParams>) {
  const input = tf.tensor2d(ids, [2, 6], "int32");
  const targets = tf.tensor2d(
    ids.map((r) => [...r.slice(1), 0]),
    [2, 6],
    "int32",
  );
  const mask = tf.tensor2d(
    ids.map(() => [1, 1, 1, 1, 1, 0]),
    [2, 6],
  );
  const logits = forward(small, backendParams, input).logits.arraySync() as number[][][];
  const { grads } = tf.variableGrads(
    () => tf.neg(tf.sum(sequenceLogProbs(small, backendParams, input, targets, mask))) as tf.Scalar,
  );
  const g = Object.fromEntries(
    [...backendParams].map(([name, variable]) => [name, Array.from(grads[variable.name]!.dataSync())]),
  );
  return { logits, g };
}

describe("Qwen2 model", () => {
  it("has Hugging Face parameter names and shapes", () => {
    const shapes = new Map(parameterShapes(PRESETS["qwen2.5-0.5b"]));
    expect(shapes.get("model.layers.0.self_attn.k_proj.weight")).toEqual([128, 896]);
    expect(shapes.get("model.layers.23.mlp.down_proj.weight")).toEqual([896, 4864]);
    expect(shapes.has("lm_head.weight")).toBe(false);
    const total = [...shapes.values()].reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
    expect(total).toBe(494_032_768);
  });

  it("gives the same logits and gradients on the wasm (patched) and cpu backends", async () => {
    await useBackend("cpu");
    const cpuParams = initParams(small, 7);
    const cpu = logitsAndGrads(cpuParams);
    await useBackend("wasm");
    const wasmParams = initParams(small, 7);
    const wasm = logitsAndGrads(wasmParams);
    const flatC = cpu.logits.flat(2);
    const flatW = wasm.logits.flat(2);
    for (let i = 0; i < flatC.length; i++) expect(flatW[i]).toBeCloseTo(flatC[i]!, 4);
    for (const [name, values] of Object.entries(cpu.g)) {
      const other = wasm.g[name]!;
      const scale = Math.max(1e-6, ...values.map(Math.abs));
      const worst = Math.max(...values.map((v, i) => Math.abs(v - other[i]!)));
      expect(worst / scale, name).toBeLessThan(1e-3);
    }
  });

  it("looks a frozen embedding (LoRA's base) up by gather, with the one-hot product's logits", async () => {
    await useBackend("wasm");
    const params = initParams(small, 5);
    const input = tf.tensor2d(ids, [2, 6], "int32");
    const trained = forward(small, params, input).logits.dataSync();
    params.get("model.embed_tokens.weight")!.trainable = false;
    const frozen = forward(small, params, input).logits.dataSync();
    expect(maxAbsDiff(frozen, trained)).toBeLessThan(1e-6);
  });

  it("decodes incrementally with the KV cache exactly as a full forward pass", async () => {
    await useBackend("wasm");
    const params = initParams(small, 3);
    const full = forward(small, params, tf.tensor2d(ids, [2, 6], "int32")).logits.arraySync() as number[][][];
    const first = forward(
      small,
      params,
      tf.tensor2d(
        ids.map((r) => r.slice(0, 4)),
        [2, 4],
        "int32",
      ),
    );
    const next = forward(
      small,
      params,
      tf.tensor2d(
        ids.map((r) => r.slice(4)),
        [2, 2],
        "int32",
      ),
      first.cache,
    );
    const inc = next.logits.arraySync() as number[][][];
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 2; t++) {
        for (let v = 0; v < small.vocabSize; v++) expect(inc[b]![t]![v]).toBeCloseTo(full[b]![t + 4]![v]!, 4);
      }
    }
    disposeCache(first.cache);
    disposeCache(next.cache);
  });
});
