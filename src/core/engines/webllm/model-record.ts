/**
 * web-llm model records. Library URLs are built from the pinned package's own exports
 * (`modelLibURLPrefix` + `modelVersion`): each web-llm release only runs libraries compiled for it.
 */

import { type ModelRecord, modelLibURLPrefix, modelVersion, prebuiltAppConfig } from "@mlc-ai/web-llm";
import type { MlcModelSpec } from "../types";

export type MlcQuantization = "q4f16_1" | "q4f32_1";

/** Model families we offer from web-llm's prebuilt catalogue, and the library each reuses. */
export const PREBUILT_FAMILIES = {
  "Qwen2.5-0.5B-Instruct": "Qwen2-0.5B-Instruct",
  "Qwen2.5-1.5B-Instruct": "Qwen2-1.5B-Instruct",
  "Llama-3.2-1B-Instruct": "Llama-3.2-1B-Instruct",
  "Llama-3.2-3B-Instruct": "Llama-3.2-3B-Instruct",
} as const;

export type PrebuiltFamily = keyof typeof PREBUILT_FAMILIES;

export function libraryUrl(baseLibrary: string, quantization: MlcQuantization): string {
  return `${modelLibURLPrefix}${modelVersion}/${baseLibrary}-${quantization}_cs1k-webgpu.wasm`;
}

function requiredFeatures(quantization: MlcQuantization): { required_features?: string[] } {
  return quantization === "q4f16_1" ? { required_features: ["shader-f16"] } : {};
}

export function prebuiltModel(family: PrebuiltFamily, quantization: MlcQuantization): MlcModelSpec {
  const modelId = `${family}-${quantization}-MLC`;
  const record = prebuiltAppConfig.model_list.find((r: ModelRecord) => r.model_id === modelId);
  if (!record) throw new Error(`web-llm ${modelVersion} has no prebuilt model "${modelId}".`);
  return {
    kind: "mlc",
    id: modelId,
    label: `${family} (${quantization}, WebGPU)`,
    record: {
      model: record.model,
      model_id: record.model_id,
      model_lib: record.model_lib,
      ...requiredFeatures(quantization),
      ...(record.vram_required_MB ? { vram_required_MB: record.vram_required_MB } : {}),
      ...(record.low_resource_required !== undefined
        ? { low_resource_required: record.low_resource_required }
        : {}),
      ...(record.overrides ? { overrides: { ...record.overrides } } : {}),
    },
  };
}

export interface CustomMlcModel {
  /** Absolute URL of the folder holding mlc-chat-config.json, tensor-cache.json and the shards. */
  weightsUrl: string;
  id: string;
  label?: string;
  family: PrebuiltFamily;
  quantization: MlcQuantization;
  contextWindow?: number;
}

/** A record for our own exported weights, reusing the prebuilt library of the same shapes. */
export function customModel(m: CustomMlcModel): MlcModelSpec {
  let url: URL;
  try {
    url = new URL(m.weightsUrl);
  } catch {
    throw new Error(`web-llm needs an absolute weights URL (got "${m.weightsUrl}").`);
  }
  // web-llm appends resolve/main/ when the URL has no /resolve/<branch>/ segment.
  const model = url.href.endsWith("/") ? url.href : `${url.href}/`;
  return {
    kind: "mlc",
    id: m.id,
    label: m.label ?? `${m.id} (${m.quantization}, WebGPU)`,
    record: {
      model,
      model_id: m.id,
      model_lib: libraryUrl(PREBUILT_FAMILIES[m.family], m.quantization),
      ...requiredFeatures(m.quantization),
      overrides: { context_window_size: m.contextWindow ?? 4096 },
    },
  };
}
