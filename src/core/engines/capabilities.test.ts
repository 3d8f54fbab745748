import { describe, expect, it } from "vitest";
import { chooseEngine, probeCapabilities } from "./capabilities";

const adapter = (features: string[]) => ({
  features: new Set(features),
  limits: { maxBufferSize: 1 << 30 },
  info: { vendor: "acme", architecture: "x" },
});

describe("probeCapabilities", () => {
  it("reports no WebGPU when the browser lacks it or has no adapter", async () => {
    expect(await probeCapabilities(undefined)).toMatchObject({
      webgpu: false,
      problem: "this browser has no WebGPU",
    });
    expect(await probeCapabilities({ requestAdapter: async () => null })).toMatchObject({
      webgpu: false,
      problem: "no WebGPU adapter is available",
    });
    expect(
      await probeCapabilities({
        requestAdapter: async () => {
          throw new Error("GPU process crashed");
        },
      }),
    ).toMatchObject({ webgpu: false, problem: expect.stringContaining("GPU process crashed") });
  });

  it("reads shader-f16 and limits from the adapter", async () => {
    const caps = await probeCapabilities({ requestAdapter: async () => adapter(["shader-f16"]) });
    expect(caps).toEqual({
      webgpu: true,
      shaderF16: true,
      maxBufferSize: 1 << 30,
      adapterDescription: "acme x",
    });
  });
});

describe("chooseEngine", () => {
  it("picks q4f16 with shader-f16, q4f32 without, wllama with no WebGPU", () => {
    expect(chooseEngine({ webgpu: true, shaderF16: true })).toMatchObject({
      backend: "webllm",
      quantization: "q4f16_1",
    });
    expect(chooseEngine({ webgpu: true, shaderF16: false })).toMatchObject({
      backend: "webllm",
      quantization: "q4f32_1",
    });
    expect(chooseEngine({ webgpu: false, shaderF16: false, problem: "this browser has no WebGPU" })).toEqual({
      backend: "wllama",
      reason: "CPU engine (WebAssembly): this browser has no WebGPU",
    });
  });

  it("honours an override, but cannot force WebGPU where there is none", () => {
    expect(chooseEngine({ webgpu: true, shaderF16: true }, "wllama").backend).toBe("wllama");
    expect(chooseEngine({ webgpu: false, shaderF16: false }, "webllm").backend).toBe("wllama");
  });
});
