/**
 * The web-llm ModelRecord for exported weights. The weights reuse a prebuilt model library of the
 * same shapes; its URL comes from the pinned web-llm's own exports (each release runs only the
 * libraries built for it), and the record points at `<base>/<id>/resolve/main/`, the folder layout
 * web-llm fetches from. The id carries a hash of the weights: web-llm caches by URL.
 */

import { modelLibURLPrefix, modelVersion, prebuiltAppConfig } from "@mlc-ai/web-llm";
import type { HfModelConfig } from "../../checkpoint/hf-config";
import { PRESETS, type Qwen2Config } from "../../model/config";
import type { MlcQuantization } from "./plan";

/** Prebuilt libraries whose parameter shapes we can produce, by the shapes they take. */
const PREBUILT_LIBRARIES: ReadonlyArray<{ library: string; family: string; config: Qwen2Config }> = [
  { library: "Qwen2-0.5B-Instruct", family: "Qwen2.5-0.5B-Instruct", config: PRESETS["qwen2.5-0.5b"] },
  { library: "Qwen2-1.5B-Instruct", family: "Qwen2.5-1.5B-Instruct", config: PRESETS["qwen2.5-1.5b"] },
];

const SHAPE_KEYS = [
  "vocabSize",
  "hiddenSize",
  "intermediateSize",
  "numLayers",
  "numHeads",
  "numKvHeads",
  "tieEmbeddings",
  "qkvBias",
] as const;

export interface WebLlmRecord {
  model: string;
  model_id: string;
  model_lib: string;
  required_features?: string[];
  vram_required_MB?: number;
  low_resource_required: boolean;
  overrides: { context_window_size: number };
}

export const libraryUrl = (library: string, quant: MlcQuantization): string =>
  `${modelLibURLPrefix}${modelVersion}/${library}-${quant}_cs1k-webgpu.wasm`;

/** The prebuilt library (and its catalogue family) that runs a model of these shapes, if any. */
export function matchingLibrary(m: HfModelConfig): { library: string; family: string } | undefined {
  if (m.architecture !== "qwen2") return undefined;
  return PREBUILT_LIBRARIES.find((p) => SHAPE_KEYS.every((k) => p.config[k] === m.config[k]));
}

/** The library URL to use: the explicit one, else the matching prebuilt one; throws if neither. */
export function resolveModelLib(m: HfModelConfig, quant: MlcQuantization, explicit?: string): string {
  if (explicit) return explicit;
  const match = matchingLibrary(m);
  if (match) return libraryUrl(match.library, quant);
  throw new Error(
    `No prebuilt web-llm library takes these shapes (${m.architecture}, hidden ${m.config.hiddenSize}, ${m.config.numLayers} layers, vocab ${m.config.vocabSize}); pass --model-lib with the URL of a library compiled for them.`,
  );
}

export function webLlmRecord(options: {
  model: HfModelConfig;
  quant: MlcQuantization;
  modelId: string;
  /** Absolute URL under which `<modelId>/resolve/main/` is served. */
  baseUrl: string;
  /** An explicit model library URL (for shapes no prebuilt library has). */
  modelLib?: string;
  contextWindow: number;
}): WebLlmRecord {
  const { model, quant, modelId, contextWindow } = options;
  let base: URL;
  try {
    base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
  } catch {
    throw new Error(`web-llm needs an absolute base URL for the weights (got "${options.baseUrl}").`);
  }
  const match = matchingLibrary(model);
  const modelLib = resolveModelLib(model, quant, options.modelLib);
  const prebuilt =
    match && prebuiltAppConfig.model_list.find((r) => r.model_id === `${match.family}-${quant}-MLC`);
  return {
    model: new URL(`${encodeURIComponent(modelId)}/resolve/main/`, base).href,
    model_id: modelId,
    model_lib: modelLib,
    ...(quant === "q4f16_1" ? { required_features: ["shader-f16"] } : {}),
    ...(prebuilt?.vram_required_MB ? { vram_required_MB: prebuilt.vram_required_MB } : {}),
    low_resource_required: prebuilt?.low_resource_required ?? true,
    overrides: { context_window_size: contextWindow },
  };
}
