/**
 * Rollout sampling through node-llama-cpp (llama.cpp prebuilt, CPU) from a GGUF export of a model
 * trained here. `npm run bench:train` measured it ~8x faster than tfjs sampling for the tiny model,
 * export and reload after every update included, so the training loop samples with it (and scores
 * with tfjs, on the same weights). node-llama-cpp batches the pending tokens of all sequences into
 * one llama_decode per step ("batched"); "sequential" decodes one sequence at a time, for comparison.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  getLlama,
  type Llama,
  type LlamaContext,
  LlamaLogLevel,
  type LlamaModel,
  type Token,
  TokenBias,
} from "node-llama-cpp";
import { writePolicyGguf } from "../export/gguf-model";
import type { BpeTokenizer } from "../tokenizer/bpe-tokenizer";
import type { Qwen2Config } from "./config";
import type { Params } from "./qwen2";

/** llama.cpp on the CPU, with the prebuilt binary only (never a build), quiet. */
export function cpuLlama(): Promise<Llama> {
  return getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
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
  /** 0 is greedy. */
  temperature: number;
  topP?: number;
  seed: number;
  /** A sequence ends after one of these (kept in its output). */
  stopIds?: readonly number[];
  /** Tokens never sampled. */
  bannedIds?: readonly number[];
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
  const bias = o.bannedIds?.length ? new TokenBias(context.model.tokenizer) : undefined;
  for (const id of o.bannedIds ?? []) bias!.set(id as Token, "never");
  const one = async (s: number): Promise<number[]> => {
    const out: number[] = [];
    if (o.maxNewTokens <= 0) return out;
    const tokens = sequences[s]!.evaluate([...prompt] as Token[], {
      temperature: o.temperature,
      topK: 0,
      topP: o.topP ?? 1,
      minP: 0,
      seed: o.seed + s,
      yieldEogToken: true,
      ...(bias ? { tokenBias: bias } : {}),
    });
    for await (const token of tokens) {
      out.push(token);
      if (o.stopIds?.includes(token)) break;
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

/**
 * A llama.cpp copy of a model being trained, for sampling: `sync` re-exports and reloads the
 * weights (call it whenever they may have changed, before sampling), `sample` draws continuations.
 */
export class LlamaCppRollouts {
  private loaded: LoadedSampler | undefined;
  private generation = 0;

  private constructor(
    private readonly llama: Llama,
    private readonly dir: string,
    private readonly sequences: number,
  ) {}

  static async create(sequences: number): Promise<LlamaCppRollouts> {
    return new LlamaCppRollouts(
      await cpuLlama(),
      await mkdtemp(join(tmpdir(), "tandem-rollouts-")),
      sequences,
    );
  }

  async sync(model: { config: Qwen2Config; params: Params; tokenizer: BpeTokenizer }): Promise<void> {
    await this.loaded?.dispose();
    this.loaded = undefined;
    // A fresh file name each time: llama.cpp maps the file, so it is never rewritten under it.
    const path = join(this.dir, `weights-${this.generation++}.gguf`);
    await writePolicyGguf(path, model, { name: "tandem-rollout" });
    // One thread: tfjs (scoring) is single-threaded too, and more threads than cores stall llama.cpp.
    this.loaded = await loadSampler(this.llama, path, {
      sequences: this.sequences,
      contextSize: model.config.maxPositions,
      threads: 1,
    });
    await rm(path);
  }

  sample(prompt: readonly number[], o: LlamaCppSampleOptions): Promise<number[][]> {
    if (!this.loaded) throw new Error("LlamaCppRollouts.sync must load the weights before sampling.");
    if (o.samples > this.sequences)
      throw new Error(`${o.samples} samples asked of a sampler made for ${this.sequences} sequences.`);
    // One sequence at a time: batched decoding groups sequences by timing, which changes the float
    // sums and so the samples from run to run; sequential is reproducible, at ~2/3 of the batched speed
    // on an idle machine here (bench:train), still ~7x tfjs including the reload.
    return sampleContinuationsLlamaCpp(this.loaded.context, prompt, { mode: "sequential", ...o });
  }

  async dispose(): Promise<void> {
    await this.loaded?.dispose();
    this.loaded = undefined;
    await rm(this.dir, { recursive: true, force: true });
  }
}
