import { modelLibURLPrefix, modelVersion, prebuiltAppConfig } from "@mlc-ai/web-llm";
import { describe, expect, it } from "vitest";
import pkg from "../../../../package.json";
import { customModel, libraryUrl, prebuiltModel } from "./model-record";

describe("web-llm model records", () => {
  it("is pinned to an exact web-llm version whose libraries we build URLs for", () => {
    expect(pkg.dependencies["@mlc-ai/web-llm"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(modelVersion).toBe(`v${pkg.dependencies["@mlc-ai/web-llm"].replaceAll(".", "_")}/base`);
    expect(libraryUrl("Qwen2-0.5B-Instruct", "q4f32_1")).toBe(
      `${modelLibURLPrefix}${modelVersion}/Qwen2-0.5B-Instruct-q4f32_1_cs1k-webgpu.wasm`,
    );
  });

  it("builds the same library URL as the prebuilt catalogue for every offered model", () => {
    for (const quant of ["q4f16_1", "q4f32_1"] as const) {
      const spec = prebuiltModel("Qwen2.5-0.5B-Instruct", quant);
      const official = prebuiltAppConfig.model_list.find((r) => r.model_id === spec.id)!;
      expect(spec.record.model_lib).toBe(official.model_lib);
      expect(libraryUrl("Qwen2-0.5B-Instruct", quant)).toBe(official.model_lib);
    }
    expect(prebuiltModel("Llama-3.2-1B-Instruct", "q4f16_1").record.required_features).toEqual([
      "shader-f16",
    ]);
    expect(prebuiltModel("Llama-3.2-1B-Instruct", "q4f32_1").record.required_features).toBeUndefined();
  });

  it("records custom weights against the prebuilt library of the same shapes", () => {
    const spec = customModel({
      weightsUrl: "http://127.0.0.1:4173/models/tandem-qwen/resolve/main",
      id: "tandem-qwen-0.5b-gapg",
      family: "Qwen2.5-0.5B-Instruct",
      quantization: "q4f16_1",
    });
    expect(spec.record).toEqual({
      model: "http://127.0.0.1:4173/models/tandem-qwen/resolve/main/",
      model_id: "tandem-qwen-0.5b-gapg",
      model_lib: libraryUrl("Qwen2-0.5B-Instruct", "q4f16_1"),
      required_features: ["shader-f16"],
      overrides: { context_window_size: 4096 },
    });
  });

  it("rejects a relative weights URL, which web-llm cannot load", () => {
    expect(() =>
      customModel({
        weightsUrl: "/models/x",
        id: "x",
        family: "Qwen2.5-0.5B-Instruct",
        quantization: "q4f32_1",
      }),
    ).toThrow(/absolute weights URL/);
  });
});
