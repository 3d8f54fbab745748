/**
 * TensorFlow.js backends for training in Node: wasm (the default on CPUs), the pure-JS cpu backend
 * (reference for parity tests). On wasm, BatchMatMul with a transpose flag set is ~10x slower than
 * without, and every backward matmul sets one; re-registering the kernel to transpose explicitly
 * first gives identical results several times faster.
 */

// The union package registers every op's gradient (tfjs-core alone registers none) and the cpu backend.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";

export type BackendName = "wasm" | "cpu";

let patched = false;

export function patchWasmBatchMatMul(): void {
  if (patched) return;
  const original = tf.getKernel("BatchMatMul", "wasm");
  const transpose = tf.getKernel("Transpose", "wasm");
  if (!original || !transpose)
    throw new Error("The wasm backend has no BatchMatMul/Transpose kernel to patch.");
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const temps: TensorInfo[] = [];
    const swapLast = (x: TensorInfo): TensorInfo => {
      const perm = x.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
      const out = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
      temps.push(out);
      return out;
    };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const a = transposeA ? swapLast(inputs.a!) : inputs.a!;
    const b = transposeB ? swapLast(inputs.b!) : inputs.b!;
    const out = original.kernelFunc({
      inputs: { ...inputs, a, b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({ ...original, kernelFunc });
  patched = true;
}

export async function useBackend(name: BackendName, options: { patchMatMul?: boolean } = {}): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`The TensorFlow.js ${name} backend could not start.`);
  await tf.ready();
  if (name === "wasm" && options.patchMatMul !== false) patchWasmBatchMatMul();
}

export { tf };
