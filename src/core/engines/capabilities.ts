/** What this device can run, and which engine and weights to use on it. */

export interface DeviceCapabilities {
  webgpu: boolean;
  /** Half-precision shaders: needed by q4f16 model libraries. */
  shaderF16: boolean;
  adapterDescription?: string;
  maxBufferSize?: number;
  /** The largest storage buffer a shader may bind: web-llm's weights and KV cache must fit in it. */
  maxStorageBufferBindingSize?: number;
  /** Why WebGPU is unavailable, when it is. */
  problem?: string;
}

/** The slice of the WebGPU API the probe uses (so no WebGPU type package is needed). */
interface GpuLike {
  requestAdapter(): Promise<{
    features: { has(name: string): boolean };
    limits: { maxBufferSize: number; maxStorageBufferBindingSize?: number };
    info?: { vendor?: string; architecture?: string; description?: string };
  } | null>;
}

export async function probeCapabilities(
  gpu: GpuLike | undefined = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu,
): Promise<DeviceCapabilities> {
  if (!gpu) return { webgpu: false, shaderF16: false, problem: "this browser has no WebGPU" };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { webgpu: false, shaderF16: false, problem: "no WebGPU adapter is available" };
    const info = adapter.info;
    const description = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(" ");
    return {
      webgpu: true,
      shaderF16: adapter.features.has("shader-f16"),
      maxBufferSize: adapter.limits.maxBufferSize,
      ...(adapter.limits.maxStorageBufferBindingSize !== undefined
        ? { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize }
        : {}),
      ...(description ? { adapterDescription: description } : {}),
    };
  } catch (e) {
    return { webgpu: false, shaderF16: false, problem: `requesting a WebGPU adapter failed: ${String(e)}` };
  }
}

export type EngineChoice =
  | { backend: "webllm"; quantization: "q4f16_1" | "q4f32_1"; reason: string }
  | { backend: "wllama"; reason: string };

export type EnginePreference = "auto" | "webllm" | "wllama";

export function chooseEngine(caps: DeviceCapabilities, preference: EnginePreference = "auto"): EngineChoice {
  if (preference === "wllama") return { backend: "wllama", reason: "CPU engine chosen in settings" };
  if (!caps.webgpu) {
    const why = caps.problem ?? "WebGPU is unavailable";
    return { backend: "wllama", reason: `CPU engine (WebAssembly): ${why}` };
  }
  if (caps.shaderF16) {
    return { backend: "webllm", quantization: "q4f16_1", reason: "WebGPU with shader-f16: q4f16 weights" };
  }
  return {
    backend: "webllm",
    quantization: "q4f32_1",
    reason: "WebGPU without shader-f16: q4f32 weights (q4f16 libraries cannot compile here)",
  };
}
