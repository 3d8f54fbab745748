/**
 * TensorFlow.js backends for training in Node: wasm (the default on CPUs), the pure-JS cpu backend
 * (reference for parity tests), and webgpu through Dawn (the `webgpu` package), loaded only when asked
 * for; it needs a GPU or a software Vulkan driver, and only async reads (data(), array()) work there.
 * On wasm, BatchMatMul with a transpose flag set is ~10x slower than without, and every backward
 * matmul sets one; re-registering the kernel to transpose explicitly first gives identical results
 * several times faster. Identity is re-registered to share its input's data, as on the other backends:
 * wasm's copies, and the engine clones every tensor a backward pass saves, so a forward pass kept two
 * copies of its activations.
 */

// The union package registers every op's gradient (tfjs-core alone registers none) and the cpu backend.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";

export type BackendName = "wasm" | "cpu" | "webgpu";

/** Sizes, in elements, at which the patched wasm BatchMatMul changes how it multiplies. */
export interface MatMulLimits {
  /**
   * A right operand above this (a real vocabulary's tied embedding: 545 MB for Qwen2.5-0.5B) is
   * multiplied in row chunks of at most `chunkElements`: transposing or packing it whole would need
   * another copy of it beside the weights in the 4 GiB heap.
   */
  chunkAbove: number;
  chunkElements: number;
  /**
   * A weight above this, multiplied without transposes (every frozen weight in a backward pass), is
   * copied first: XNNPACK packs the right operand and the wasm backend caches that packed copy for the
   * operand's lifetime, which for a 0.5B model's frozen weights doubles them past the heap.
   */
  uncachedAbove: number;
}

export const DEFAULT_MATMUL_LIMITS: MatMulLimits = {
  chunkAbove: 2 ** 25,
  chunkElements: 2 ** 22,
  uncachedAbove: 2 ** 18,
};

/** wasm's own kernels, as registered before patchWasmKernels replaced them. */
const originalKernels = new Map<string, KernelFunc>();

function replaceWasmKernel(name: string, replace: (original: KernelFunc) => KernelFunc): void {
  const config = tf.getKernel(name, "wasm");
  if (!config) throw new Error(`The wasm backend has no ${name} kernel to patch.`);
  if (!originalKernels.has(name)) originalKernels.set(name, config.kernelFunc);
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel({ ...config, kernelFunc: replace(originalKernels.get(name)!) });
}

/** Re-registers wasm's Identity (shared data) and BatchMatMul (explicit transposes, chunks, uncached weights). */
export function patchWasmKernels(limits: MatMulLimits = DEFAULT_MATMUL_LIMITS): void {
  replaceWasmKernel("Identity", () => ({ inputs, backend }) => {
    const x = inputs.x!;
    (backend as tf.KernelBackend & { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  // wasm's own Identity, which copies: what a weight must be to escape XNNPACK's cache.
  const copyKernel = originalKernels.get("Identity")!;
  replaceWasmKernel("BatchMatMul", (original) => ({ inputs, backend, attrs }) => {
    const run = (k: KernelFunc, kernelInputs: unknown, kernelAttrs: unknown = {}) =>
      k({
        inputs: kernelInputs as Parameters<KernelFunc>[0]["inputs"],
        backend,
        attrs: kernelAttrs as Parameters<KernelFunc>[0]["attrs"],
      }) as TensorInfo;
    const kernel = (name: string, kernelInputs: unknown, kernelAttrs: unknown = {}) => {
      const k = tf.getKernel(name, "wasm")?.kernelFunc;
      if (!k) throw new Error(`The wasm backend has no ${name} kernel.`);
      return run(k, kernelInputs, kernelAttrs);
    };
    const free = (x: TensorInfo) => (backend as tf.KernelBackend).disposeData(x.dataId);
    const size = (x: TensorInfo) => x.shape.reduce((n, d) => n * d, 1);
    // The op passes operands of any rank >= 2: leading dimensions are batch, the last two the matrix.
    const batch = (x: TensorInfo) => x.shape.slice(0, -2).reduce((n, d) => n * d, 1);
    const rowAxis = (x: TensorInfo) => x.shape.length - 2;
    const columnAxis = (x: TensorInfo) => x.shape.length - 1;
    const swapLast = (x: TensorInfo): TensorInfo => {
      const perm = x.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
      return kernel("Transpose", { x }, { perm });
    };
    const slice = (x: TensorInfo, axis: number, start: number, length: number) =>
      kernel(
        "Slice",
        { x },
        {
          begin: x.shape.map((_, i) => (i === axis ? start : 0)),
          size: x.shape.map((d, i) => (i === axis ? length : d)),
        },
      );

    // Multiplies a by b; `bIsCallers`: b is the caller's tensor, not a temporary.
    const multiply = (
      a: TensorInfo,
      b: TensorInfo,
      ta: boolean,
      tb: boolean,
      bIsCallers: boolean,
    ): TensorInfo => {
      if (ta) {
        const swapped = swapLast(a);
        const out = multiply(swapped, b, false, tb, bIsCallers);
        free(swapped);
        return out;
      }
      if (size(b) > limits.chunkAbove && batch(b) === 1) {
        // tb: b is [N, K], its rows are output columns; else b is [K, N], its rows the shared dimension.
        const height = b.shape[rowAxis(b)]!;
        const rows = Math.max(1, Math.floor(limits.chunkElements / b.shape[columnAxis(b)]!));
        const parts: TensorInfo[] = [];
        for (let r = 0; r < height; r += rows) {
          const n = Math.min(rows, height - r);
          const bChunk = slice(b, rowAxis(b), r, n);
          const aChunk = tb ? a : slice(a, columnAxis(a), r, n);
          parts.push(multiply(aChunk, bChunk, false, tb, false));
          free(bChunk);
          if (aChunk !== a) free(aChunk);
        }
        if (tb) {
          const out = kernel("Concat", parts, { axis: columnAxis(a) });
          parts.forEach(free);
          return out;
        }
        return parts.reduce((sum, part) => {
          const next = kernel("Add", { a: sum, b: part });
          free(sum);
          free(part);
          return next;
        });
      }
      if (tb) {
        const swapped = swapLast(b);
        const out = multiply(a, swapped, false, false, false);
        free(swapped);
        return out;
      }
      if (bIsCallers && size(b) > limits.uncachedAbove && batch(a) === 1 && batch(b) === 1) {
        const copy = run(copyKernel, { x: b });
        const out = multiply(a, copy, false, false, false);
        free(copy);
        return out;
      }
      return original({
        inputs: { ...inputs, a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as TensorInfo;
    };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    return multiply(inputs.a!, inputs.b!, transposeA, transposeB, true);
  });
}

/**
 * The most values (f32) one tensor may hold for every kernel to read it whole: on webgpu the device's
 * maxStorageBufferBindingSize (larger weights go in row blocks: row-blocks.ts); on wasm and cpu
 * there is no such limit (wasm's patched BatchMatMul slices huge operands itself).
 */
export function maxTensorElements(): number {
  if (tf.getBackend() !== "webgpu") return Number.POSITIVE_INFINITY;
  const { device } = tf.backend() as unknown as {
    device: { limits: { maxStorageBufferBindingSize: number } };
  };
  return Math.floor(device.limits.maxStorageBufferBindingSize / 4);
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

export async function useBackend(name: BackendName): Promise<void> {
  if (name === "webgpu") await loadWebgpuBackend();
  if (!(await tf.setBackend(name))) throw new Error(`The TensorFlow.js ${name} backend could not start.`);
  await tf.ready();
  if (name === "wasm") patchWasmKernels();
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
