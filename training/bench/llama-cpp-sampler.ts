/**
 * Rollout sampling through node-llama-cpp (llama.cpp prebuilt, CPU) from a GGUF export of a model
 * trained here: the refresh a training loop would need after each optimizer step (export the
 * current weights, load them, make a context) and N continuations of one prompt on N sequences of
 * that context. node-llama-cpp batches the pending tokens of all sequences into one llama_decode per
 * step ("batched"); "sequential" decodes one sequence at a time, for comparison.
 */

import {
  getLlama,
  type Llama,
  type LlamaContext,
  LlamaLogLevel,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import { policyExportModel } from "../src/export/export-model";
import { writeGgufFile } from "../src/export/gguf";
import { type GgufWeightType, modelToGguf } from "../src/export/gguf-model";
import type { Qwen2Config } from "../src/model/config";
import type { Params } from "../src/model/qwen2";
import type { BpeTokenizer } from "../src/tokenizer/bpe-tokenizer";

/** llama.cpp on the CPU, with the prebuilt binary only (never a build), quiet. */
export function cpuLlama(): Promise<Llama> {
  return getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
}

/** The current weights as a GGUF file at `path`. */
export async function exportGguf(
  path: string,
  model: { config: Qwen2Config; params: Params; tokenizer: BpeTokenizer },
  type: GgufWeightType = "f32",
): Promise<void> {
  const source = policyExportModel(model.config, model.params, model.tokenizer);
  await writeGgufFile(path, modelToGguf(source, { type, name: "tandem-rollout" }));
}

export interface LoadedSampler {
  model: LlamaModel;
  context: LlamaContext;
  dispose(): Promise<void>;
}

/**
 * Loads a GGUF file with a context of `sequences` sequences of `contextSize` tokens each.
 * `threads` unset: node-llama-cpp's default for a CPU-only Llama.
 */
export async function loadSampler(
  llama: Llama,
  ggufPath: string,
  o: { sequences: number; contextSize: number; threads?: number },
): Promise<LoadedSampler> {
  const model = await llama.loadModel({ modelPath: ggufPath });
  const context = await model.createContext({
    sequences: o.sequences,
    contextSize: o.contextSize,
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
  });
  return {
    model,
    context,
    dispose: async () => {
      await context.dispose();
      await model.dispose();
    },
  };
}

export interface LlamaCppSampleOptions {
  samples: number;
  maxNewTokens: number;
  temperature: number;
  seed: number;
  /** "batched": all sequences at once (one decode per step); "sequential": one sequence after another. */
  mode?: "batched" | "sequential";
  /** A `performance.now()` time after which every sequence stops early (a time cap for slow settings). */
  deadline?: number;
}

/**
 * `samples` continuations of `prompt`, exactly `maxNewTokens` tokens each (fewer only past `deadline`): plain temperature
 * sampling (top-k, top-p and min-p off, like sampler.ts with topP 1), end-of-generation tokens
 * sampled and kept going past, as tfjs sampling with no stop ids does. Sequence s uses seed `seed + s`.
 * The context needs `samples` free sequences; they are disposed (their KV cells freed) after.
 */
export async function sampleContinuationsLlamaCpp(
  context: LlamaContext,
  prompt: readonly number[],
  o: LlamaCppSampleOptions,
): Promise<number[][]> {
  if (context.sequencesLeft < o.samples)
    throw new Error(`The context has ${context.sequencesLeft} free sequences, ${o.samples} needed.`);
  const sequences = Array.from({ length: o.samples }, () => context.getSequence());
  const one = async (s: number): Promise<number[]> => {
    const out: number[] = [];
    if (o.maxNewTokens <= 0) return out;
    const tokens = sequences[s]!.evaluate([...prompt] as Token[], {
      temperature: o.temperature,
      topK: 0,
      topP: 1,
      minP: 0,
      seed: o.seed + s,
      yieldEogToken: true,
    });
    for await (const token of tokens) {
      out.push(token);
      if (out.length >= o.maxNewTokens || performance.now() > (o.deadline ?? Number.POSITIVE_INFINITY)) break;
    }
    return out;
  };
  try {
    if (o.mode === "sequential") {
      const outs: number[][] = [];
      for (let s = 0; s < o.samples; s++) outs.push(await one(s));
      return outs;
    }
    return await Promise.all(sequences.map((_, s) => one(s)));
  } finally {
    await Promise.all(sequences.map((seq) => seq.dispose()));
  }
}
