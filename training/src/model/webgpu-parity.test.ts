import { beforeAll, describe, expect, it } from "vitest";
import { type BackendName, maxTensorElements, tf, useBackend, webgpuAdapterInfo } from "./backend";
import { PRESETS, type Qwen2Config } from "./config";
import { initLora, LORA_TARGETS, type LoraConfig, LoraParams, loraSlots } from "./lora";
import { packBatch, supervisedLoss } from "./policy-loss";
import { forward, initParams, type Params } from "./qwen2";
import { blockLayout } from "./row-blocks";
import { maxAbsDiff, perturb } from "./test-helpers";

const c: Qwen2Config = {
  ...PRESETS.tiny,
  hiddenSize: 64,
  intermediateSize: 128,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  vocabSize: 96,
};
const loraConfig: LoraConfig = { rank: 4, alpha: 8, targets: LORA_TARGETS };
const seqs = [
  { prompt: [1, 5, 9, 2], completion: [7, 3, 44, 95, 12, 0] },
  { prompt: [4, 4, 8], completion: [1, 60, 6] },
  { prompt: [90, 33, 17, 21, 8], completion: [2, 2, 71] },
];

/** Plain values, so each backend builds its own tensors (none are moved between backends). */
type Snapshot = Map<string, { shape: number[]; values: Float32Array }>;

async function snapshot(vars: Params): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const [name, v] of vars) out.set(name, { shape: v.shape, values: (await v.data()) as Float32Array });
  return out;
}

function restore(s: Snapshot, name: string, trainable: boolean): tf.Variable {
  const { shape, values } = s.get(name)!;
  return tf.variable(tf.tensor(values, shape), trainable);
}

/** The base as frozen variables, its embedding in row blocks of at most `maxElements` values (as loadParams keeps one over the limit). */
function restoreBase(base: Snapshot, maxElements: number): Params {
  const params: Params = new Map();
  for (const [name, { shape, values }] of base) {
    const [rows, cols = 1] = shape as [number, number?];
    const limit = name === "model.embed_tokens.weight" ? maxElements : Number.POSITIVE_INFINITY;
    for (const b of blockLayout(name, rows, cols, limit))
      params.set(
        b.name,
        tf.variable(
          tf.tensor(values.subarray(b.start * cols, (b.start + b.rows) * cols), [b.rows, ...shape.slice(1)]),
          false,
        ),
      );
  }
  return params;
}

/** Logits of the adapted model and the gradient of the supervised loss with respect to every LoRA matrix. */
async function logitsAndLoraGrads(
  backend: BackendName,
  base: Snapshot,
  adapters: Snapshot,
  maxElements = Number.POSITIVE_INFINITY,
) {
  await useBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const params = restoreBase(base, maxElements);
  const lora = new LoraParams(
    loraConfig,
    loraSlots(c, params, loraConfig).map(({ weight, a, b }) => ({
      weight,
      a: restore(adapters, a.name, true),
      b: restore(adapters, b.name, true),
    })),
  );
  const batch = packBatch(seqs, 0);
  const logits = tf.tidy(() => forward(c, params, batch.ids, undefined, lora).logits);
  const { value, grads } = tf.variableGrads(
    () => supervisedLoss(c, params, batch, lora),
    [...lora.variables.values()],
  );
  const result = {
    logits: await logits.data(),
    loss: (await value.data())[0]!,
    grads: new Map<string, Float32Array>(),
  };
  for (const [name, v] of lora.variables)
    result.grads.set(name, (await grads[v.name]!.data()) as Float32Array);
  tf.dispose([logits, value, ...Object.values(grads)]);
  batch.dispose();
  lora.dispose();
  for (const v of params.values()) v.dispose();
  return result;
}

const maxAbs = (a: ArrayLike<number>) => maxAbsDiff(a, new Float32Array(a.length));

const adapter = await webgpuAdapterInfo();

describe("webgpu backend", () => {
  let base: Snapshot;
  let adapters: Snapshot;
  beforeAll(async () => {
    await useBackend("wasm");
    const params = initParams(c, 1);
    // A pretrained-like embedding, so the logits span a few units rather than staying near zero.
    params
      .get("model.embed_tokens.weight")!
      .assign(tf.randomNormal([c.vocabSize, c.hiddenSize], 0, 0.1, "float32", 2));
    const lora = initLora(c, params, loraConfig, 2);
    perturb(lora, 3);
    base = await snapshot(params);
    adapters = await snapshot(lora.variables);
    lora.dispose();
    for (const v of params.values()) v.dispose();
  });

  // Measured on lavapipe (Mesa 25): logits within 1.4e-6 of wasm's (|logits| up to 7.2, about 3 ulp),
  // gradients within 8e-7 of each matrix's largest entry; both are float32 rounding from another
  // summation order and other exp/rsqrt implementations. The bounds leave ~100x for real GPUs, whose
  // WGSL transcendentals may be less exact, while a wrong kernel is off by orders of magnitude more.
  it("gives the wasm backend's logits and LoRA gradients", async (ctx) => {
    if (!adapter.available) {
      // The default reporter shows a skip's note only in verbose mode.
      console.warn(`Skipped: ${adapter.reason}.`);
      ctx.skip(adapter.reason);
    }
    const wasm = await logitsAndLoraGrads("wasm", base, adapters);
    const gpu = await logitsAndLoraGrads("webgpu", base, adapters);
    expect(maxAbsDiff(gpu.logits, wasm.logits)).toBeLessThan(1e-4);
    expect(gpu.loss).toBeCloseTo(wasm.loss, 4);
    expect(gpu.grads.size).toBe(2 * 7 * c.numLayers);
    for (const [name, g] of wasm.grads) {
      expect(maxAbs(g), name).toBeGreaterThan(0);
      expect(maxAbsDiff(gpu.grads.get(name)!, g) / maxAbs(g), name).toBeLessThan(1e-4);
    }
  });

  it("gives the same with the embedding and tied head in row blocks (40 + 40 + 16 rows)", async (ctx) => {
    if (!adapter.available) ctx.skip(adapter.reason);
    const wasm = await logitsAndLoraGrads("wasm", base, adapters);
    const gpu = await logitsAndLoraGrads("webgpu", base, adapters, 40 * c.hiddenSize);
    expect(maxAbsDiff(gpu.logits, wasm.logits)).toBeLessThan(1e-4);
    for (const [name, g] of wasm.grads)
      expect(maxAbsDiff(gpu.grads.get(name)!, g) / maxAbs(g), name).toBeLessThan(1e-4);
  });

  it("runs an embedding larger than the adapter's binding limit, in blocks under it", async (ctx) => {
    if (!adapter.available) ctx.skip(adapter.reason);
    await useBackend("webgpu");
    const limit = maxTensorElements();
    expect(limit).toBe(Math.floor(adapter.available ? adapter.maxStorageBufferBindingSize / 4 : 0));
    // One row more than the limit holds (lavapipe: 128 MiB, 524,289 rows of 64).
    const big = { ...c, vocabSize: Math.floor(limit / c.hiddenSize) + 1 };
    await useBackend("wasm");
    const params = initParams(big, 4);
    const embedding = params.get("model.embed_tokens.weight")!;
    embedding.assign(tf.randomNormal([big.vocabSize, big.hiddenSize], 0, 0.1, "float32", 5));
    const ids = [3, big.vocabSize - 1, 77, 524_000 % big.vocabSize];
    const wasmLogits = tf.tidy(() => forward(big, params, tf.tensor2d([ids], undefined, "int32")).logits);
    const want = (await wasmLogits.data()) as Float32Array;
    const weights = await snapshot(params);
    wasmLogits.dispose();
    for (const v of params.values()) v.dispose();
    await useBackend("webgpu");
    const blocked = restoreBase(weights, limit);
    expect(blocked.has("model.embed_tokens.weight#1")).toBe(true);
    const gpuLogits = tf.tidy(() => forward(big, blocked, tf.tensor2d([ids], undefined, "int32")).logits);
    const got = (await gpuLogits.data()) as Float32Array;
    gpuLogits.dispose();
    for (const v of blocked.values()) v.dispose();
    expect(got.length).toBe(want.length);
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-4);
  }, 120_000);
});
