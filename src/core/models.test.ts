import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { catalogue, DEMO_MODEL_BYTES, webllmUnfitReason } from "./models";

const BASE = "http://127.0.0.1:4173/";

describe("catalogue", () => {
  it("lists the bundled demo model with its real download size", async () => {
    expect((await stat("public/models/tandem-demo.gguf")).size).toBe(DEMO_MODEL_BYTES);
  });

  it("offers real instruct GGUF models on CPU devices, by https URL with sizes, escalating by prompt", async () => {
    const { entries, hidden } = await catalogue({ backend: "wllama", reason: "no WebGPU" }, BASE);
    const real = entries.filter((e) => e.spec.id !== "tandem-demo");
    expect(real.map((e) => e.spec.label)).toEqual([
      "Qwen2.5-0.5B-Instruct (Q4_K_M, CPU)",
      "Llama-3.2-1B-Instruct (Q4_K_M, CPU)",
      "Qwen2.5-1.5B-Instruct (Q4_K_M, CPU)",
    ]);
    for (const e of real) {
      expect(e.spec.kind === "gguf" && e.spec.url).toMatch(/^https:\/\/huggingface\.co\/.+\.gguf$/);
      expect(e.sizeBytes).toBeGreaterThan(4e8);
      expect(e.promptedEscalation).toBe(true);
    }
    expect(hidden).toEqual([]);
  });

  it("hides web-llm models the adapter cannot hold, and says why", async () => {
    const spec = (low: boolean) => ({
      kind: "mlc" as const,
      id: "m",
      label: "m",
      record: {
        model: "https://x/",
        model_id: "m",
        model_lib: "https://x/lib.wasm",
        low_resource_required: low,
      },
    });
    const tight = { webgpu: true, shaderF16: false, maxStorageBufferBindingSize: 2 ** 27 };
    expect(webllmUnfitReason(spec(false), tight)).toBe(
      "needs GPU storage buffers of 1024 MiB; this adapter allows 128 MiB",
    );
    expect(webllmUnfitReason(spec(true), tight)).toBeUndefined();
    expect(
      webllmUnfitReason(spec(false), { ...tight, maxStorageBufferBindingSize: 2 ** 31 }),
    ).toBeUndefined();

    const choice = { backend: "webllm", quantization: "q4f32_1", reason: "WebGPU" } as const;
    const { entries, hidden } = await catalogue(choice, BASE, tight);
    for (const e of entries)
      if (e.spec.kind === "mlc") expect(e.spec.record.low_resource_required).toBe(true);
    expect(entries.filter((e) => e.spec.kind === "mlc").length + hidden.length).toBe(3);
  });
});
