import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_MATMUL_LIMITS, patchWasmKernels, tf, useBackend } from "./backend";
import { maxAbsDiff } from "./test-helpers";

// Limits small enough that these shapes take every path a 0.5B model's tensors take at the real limits.
const SMALL_LIMITS = { chunkAbove: 200, chunkElements: 70, uncachedAbove: 50 };

/** A @ B (with transposes) and the gradients of sum(w * (A @ B)) for A and B, read back. */
function productAndGrads(ta: boolean, tb: boolean, m: number, k: number, n: number) {
  return tf.tidy(() => {
    const a = tf.randomNormal(ta ? [k, m] : [m, k], 0, 1, "float32", 1);
    const b = tf.randomNormal(tb ? [n, k] : [k, n], 0, 1, "float32", 2);
    const w = tf.randomNormal([m, n], 0, 1, "float32", 3);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(w, tf.matMul(x, y, ta, tb)));
    const [ga, gb] = tf.grads(f)([a, b]);
    return [tf.matMul(a, b, ta, tb), ga!, gb!].map((t) => Array.from(t.dataSync()));
  });
}

describe("the patched wasm kernels (BatchMatMul, Identity)", () => {
  afterAll(() => patchWasmKernels(DEFAULT_MATMUL_LIMITS));

  // B has 45 x 7 = 315 elements, above chunkAbove: chunks of 10 rows of 7 (the last one 5) or of 1 row
  // of 45; A (135) and the gradients' operands are above uncachedAbove, so they are copied.
  for (const [ta, tb] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const)
    it(`gives the cpu backend's product and gradients (transposeA ${ta}, transposeB ${tb})`, async () => {
      await useBackend("cpu");
      const big = productAndGrads(ta, tb, 3, 45, 7);
      const small = productAndGrads(ta, tb, 3, 5, 7);
      await useBackend("wasm");
      patchWasmKernels(SMALL_LIMITS);
      const [bigWasm, smallWasm] = [productAndGrads(ta, tb, 3, 45, 7), productAndGrads(ta, tb, 3, 5, 7)];
      for (const [cpu, wasm] of [
        [big, bigWasm],
        [small, smallWasm],
      ] as const)
        for (let i = 0; i < 3; i++) expect(maxAbsDiff(wasm[i]!, cpu[i]!)).toBeLessThan(1e-4);
    });

  it("lets clones (what a backward pass saves) share their tensor's data", async () => {
    await useBackend("wasm");
    const x = tf.tensor1d([1, 2, 3]);
    const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const copy = tf.clone(x);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    copy.dispose();
  });

  it("frees every temporary it makes", async () => {
    await useBackend("wasm");
    patchWasmKernels(SMALL_LIMITS);
    const before = tf.memory().numTensors;
    const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    productAndGrads(false, false, 3, 45, 7);
    productAndGrads(false, true, 3, 45, 7);
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds);
  });
});
