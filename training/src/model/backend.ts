/**
 * TensorFlow.js backends for training in Node: wasm (the default on CPUs), the pure-JS cpu backend
 * (reference for parity tests), and webgpu through Dawn (the `webgpu` package), loaded only when asked
 * for; it needs a GPU or a software Vulkan driver, and only async reads (data(), array()) work there.
 * On wasm, BatchMatMul with a transpose flag set is ~10x slower than without, and every backward
 * matmul sets one; re-registering the kernel to transpose explicitly first gives identical results
 * several times faster.
 */

// The union package registers every op's gradient (tfjs-core alone registers none) and the cpu backend.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";

export type BackendName = "wasm" | "cpu" | "webgpu";

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
    // A huge operand (a real vocabulary's tied output embedding: 545 MB for Qwen2.5-0.5B) keeps the
    // slow transposed path: a transposed copy per call would not fit beside the weights in 4 GiB.
    const swap = (x: TensorInfo, flag: boolean) => flag && x.shape.reduce((n, d) => n * d, 1) <= 2 ** 25;
    const swapA = swap(inputs.a!, transposeA);
    const swapB = swap(inputs.b!, transposeB);
    const a = swapA ? swapLast(inputs.a!) : inputs.a!;
    const b = swapB ? swapLast(inputs.b!) : inputs.b!;
    const out = original.kernelFunc({
      inputs: { ...inputs, a, b },
      backend,
      attrs: { ...attrs, transposeA: transposeA && !swapA, transposeB: transposeB && !swapB },
    });
    for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({ ...original, kernelFunc });
  patched = true;
}

let navigatorGpu: Promise<GPU> | undefined;

/** Node's navigator.gpu: Dawn's, with the WebGPU constants (GPUBufferUsage...) tfjs reads as globals. */
function provideNavigatorGpu(): Promise<GPU> {
  navigatorGpu ??= (async () => {
    const g = globalThis as { navigator?: { gpu?: GPU } };
    if (g.navigator?.gpu) return g.navigator.gpu;
    const { create, globals } = await import("webgpu");
    Object.assign(globalThis, globals);
    const gpu = create([]);
    // Node 21+ has a navigator of its own; Node 20 has none.
    if (g.navigator) Object.defineProperty(g.navigator, "gpu", { value: gpu });
    else g.navigator = { gpu };
    return gpu;
  })();
  return navigatorGpu;
}

export type WebGpuAdapterInfo =
  | { available: true; description: string; maxStorageBufferBindingSize: number; maxBufferSize: number }
  | { available: false; reason: string };

/** The adapter useBackend("webgpu") would run on, or why there is none; never throws. */
export async function webgpuAdapterInfo(): Promise<WebGpuAdapterInfo> {
  try {
    const adapter = await (await provideNavigatorGpu()).requestAdapter();
    if (!adapter)
      return { available: false, reason: "Dawn found no WebGPU adapter (no GPU or Vulkan driver)" };
    const { vendor, architecture, device, description } = adapter.info;
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    return {
      available: true,
      description: [vendor, architecture, device, description].filter(Boolean).join(" / "),
      maxStorageBufferBindingSize,
      maxBufferSize,
    };
  } catch (e) {
    return { available: false, reason: `Dawn failed to load: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export async function useBackend(name: BackendName, options: { patchMatMul?: boolean } = {}): Promise<void> {
  if (name === "webgpu") await loadWebgpuBackend();
  if (!(await tf.setBackend(name))) throw new Error(`The TensorFlow.js ${name} backend could not start.`);
  await tf.ready();
  if (name === "wasm" && options.patchMatMul !== false) patchWasmBatchMatMul();
}

async function loadWebgpuBackend(): Promise<void> {
  const info = await webgpuAdapterInfo();
  if (!info.available)
    throw new Error(
      `no WebGPU adapter: install a Vulkan driver, e.g. Mesa's lavapipe from bookworm-backports ` +
        `(apt-get install -t bookworm-backports mesa-vulkan-drivers; Debian 12's own Mesa 22 is too old ` +
        `for Dawn), or run on a GPU. ${info.reason}.`,
    );
  // The backend registers itself on import only if navigator.gpu exists by then.
  await import("@tensorflow/tfjs-backend-webgpu");
}

export { tf };
