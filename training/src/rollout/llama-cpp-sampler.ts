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
import type { Params } from "../model/qwen2";
import { weightsVersion } from "../model/weights-version";
import { streamSeed } from "../tasks/rng";
import type { GroupSampleOptions, SampleOptions, Sampler, SamplerModel } from "./sampler";

/** llama.cpp on the CPU, with the prebuilt binary only (never a build), quiet. */
export function cpuLlama(): Promise<Llama> {
  return getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
}

/**
 * Where rollouts decode: "cpu", or "gpu": node-llama-cpp's prebuilt CUDA (or Vulkan, Metal) binary
 * when one is installed and finds its GPU, the CPU otherwise. `npm ci` installs no GPU binary (the
 * root package.json's overrides keep it small); README: "Rollouts on a GPU".
 */
export type RolloutDevice = "cpu" | "gpu";

/** `--rollouts cpu|gpu`, or the fallback when not given. */
export function parseRolloutDevice(text: string | undefined, fallback: RolloutDevice): RolloutDevice {
  const device = text ?? fallback;
  if (device !== "cpu" && device !== "gpu") throw new Error(`--rollouts is cpu or gpu, got ${device}.`);
  return device;
}

async function rolloutLlama(device: RolloutDevice): Promise<Llama> {
  if (device === "cpu") return cpuLlama();
  // "A prebuilt binary was not found, falling back to using no GPU" is a warning: shown.
  return getLlama({ gpu: "auto", build: "never", logLevel: LlamaLogLevel.warn });
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
  // An f32 KV cache, like the tfjs learner: with llama.cpp's default f16 cache the sampler's
  // probabilities drift from the ones the policy gradient uses.
  const context = await model.createContext({
    experimentalKvCacheKeyType: "F32",
    experimentalKvCacheValueType: "F32",
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

export interface LlamaCppSampleOptions extends SampleOptions {
  /**
   * "lockstep": one batch per step, a seed per sequence and step (reproducible; what training uses);
   * "batched": node-llama-cpp's own batching of concurrent sequences (samples vary with timing);
   * "sequential": one sequence after another.
   */
  mode?: "lockstep" | "batched" | "sequential";
  /** A `performance.now()` time after which every sequence stops early (a time cap for slow settings). */
  deadline?: number;
}

/**
 * `samples` continuations of `prompt`, exactly `maxNewTokens` tokens each (fewer only past `deadline`): plain temperature
 * sampling (top-k, top-p and min-p off, like sampler.ts with topP 1), end-of-generation tokens
 * sampled and kept going past, as tfjs sampling with no stop ids does. Sequence s uses seed streamSeed(seed, s).
 * The context needs `samples` free sequences; they are disposed (their KV cells freed) after.
 */
export async function sampleContinuationsLlamaCpp(
  context: LlamaContext,
  prompt: readonly number[],
  o: LlamaCppSampleOptions,
): Promise<number[][]> {
  return (await sampleWithProbabilities(context, prompt, o)).map((s) => s.ids);
}

/**
 * As sampleContinuationsLlamaCpp, with the probability llama.cpp gave each sampled token (after
 * temperature and bias): the sampler's side of the sampler/learner log-probability parity.
 */
export async function sampleWithProbabilities(
  context: LlamaContext,
  prompt: readonly number[],
  o: LlamaCppSampleOptions,
): Promise<Array<{ ids: number[]; probabilities: number[] }>> {
  if (o.mode === "lockstep")
    return sampleLockstep(
      context,
      Array.from({ length: o.samples }, (_, s) => ({ prompt, seed: streamSeed(o.seed, s) })),
      o,
    );
  if (context.sequencesLeft < o.samples)
    throw new Error(`The context has ${context.sequencesLeft} free sequences, ${o.samples} needed.`);
  const sequences = Array.from({ length: o.samples }, () => context.getSequence());
  const bias =
    o.bannedIds?.length || o.logitBias?.length ? new TokenBias(context.model.tokenizer) : undefined;
  for (const [id, logit] of o.logitBias ?? []) bias!.set(id as Token, { logit });
  for (const id of o.bannedIds ?? []) bias!.set(id as Token, "never");
  const one = async (s: number): Promise<{ ids: number[]; probabilities: number[] }> => {
    const out: number[] = [];
    const probabilities: number[] = [];
    if (o.maxNewTokens <= 0) return { ids: out, probabilities };
    const tokens = sequences[s]!.evaluateWithMetadata(
      [...prompt] as Token[],
      { confidence: true },
      {
        temperature: o.temperature,
        topK: 0,
        topP: o.topP ?? 1,
        minP: 0,
        seed: streamSeed(o.seed, s),
        yieldEogToken: true,
        ...(bias ? { tokenBias: bias } : {}),
      },
    );
    for await (const { token, confidence } of tokens) {
      out.push(token);
      probabilities.push(confidence);
      if (o.stopIds?.includes(token)) break;
      if (out.length >= o.maxNewTokens || performance.now() > (o.deadline ?? Number.POSITIVE_INFINITY)) break;
    }
    return { ids: out, probabilities };
  };
  try {
    if (o.mode === "sequential") {
      const outs: Array<{ ids: number[]; probabilities: number[] }> = [];
      for (let s = 0; s < o.samples; s++) outs.push(await one(s));
      return outs;
    }
    return await Promise.all(sequences.map((_, s) => one(s)));
  } finally {
    await Promise.all(sequences.map((seq) => seq.dispose()));
  }
}

/** One sampled continuation, with the probability llama.cpp gave each token (after temperature and bias). */
export interface SampledSequence {
  ids: number[];
  probabilities: number[];
}

/**
 * Decodes many sequences in lockstep: every step, each unfinished sequence evaluates its last token
 * in ONE batch (all requests are queued in the same event-loop turn), and draws its next token with
 * a seed of its own for that step, streamSeed(job.seed, step). What a sequence samples therefore
 * depends on its seed and on the fixed batch composition, never on timing, and a group of G samples
 * (or several groups) costs one decode per step instead of G.
 */
export async function sampleLockstep(
  context: LlamaContext,
  jobs: ReadonlyArray<{ prompt: readonly number[]; seed: number }>,
  o: Omit<SampleOptions, "samples" | "seed">,
): Promise<SampledSequence[]> {
  if (context.sequencesLeft < jobs.length)
    throw new Error(`The context has ${context.sequencesLeft} free sequences, ${jobs.length} needed.`);
  const sequences = jobs.map(() => context.getSequence());
  const bias =
    o.bannedIds?.length || o.logitBias?.length ? new TokenBias(context.model.tokenizer) : undefined;
  for (const [id, logit] of o.logitBias ?? []) bias!.set(id as Token, { logit });
  for (const id of o.bannedIds ?? []) bias!.set(id as Token, "never");
  const evaluate = (i: number, tokens: readonly number[], step: number) =>
    sequences[i]!.controlledEvaluate(
      tokens.map((t, k) =>
        k < tokens.length - 1
          ? (t as Token)
          : [
              t as Token,
              {
                generateNext: {
                  token: true,
                  confidence: true,
                  options: {
                    temperature: o.temperature,
                    topK: 0,
                    topP: o.topP ?? 1,
                    minP: 0,
                    seed: streamSeed(jobs[i]!.seed, step),
                    ...(bias ? { tokenBias: bias } : {}),
                  },
                },
              },
            ],
      ),
    );
  const out: SampledSequence[] = jobs.map(() => ({ ids: [], probabilities: [] }));
  try {
    if (o.maxNewTokens <= 0) return out;
    let active = jobs.map((_, i) => i);
    let pending = active.map((i) => evaluate(i, jobs[i]!.prompt, 0));
    for (let step = 1; active.length > 0; step++) {
      const results = await Promise.all(pending);
      const still: number[] = [];
      results.forEach((r, k) => {
        const i = active[k]!;
        const next = r.at(-1)?.next;
        if (next?.token == null) throw new Error("llama.cpp returned no next token.");
        out[i]!.ids.push(next.token);
        out[i]!.probabilities.push(next.confidence ?? Number.NaN);
        if (!o.stopIds?.includes(next.token) && out[i]!.ids.length < o.maxNewTokens) still.push(i);
      });
      active = still;
      pending = active.map((i) => evaluate(i, [out[i]!.ids.at(-1)!], step));
    }
    return out;
  } finally {
    await Promise.all(sequences.map((seq) => seq.dispose()));
  }
}

/**
 * A llama.cpp copy of a model being trained, for sampling: before sampling it compares the model's
 * weights version (weights-version.ts) with the one it loaded, and re-exports and reloads the
 * weights when they changed.
 */
export class LlamaCppSampler implements Sampler {
  private loaded: { sampler: LoadedSampler; params: Params; version: string } | undefined;
  private generation = 0;

  private constructor(
    private readonly llama: Llama,
    private readonly dir: string,
    /** Sequences decoded together (their KV caches are allocated up front). */
    private readonly capacity: number,
  ) {}

  static async create(capacity = 64, device: RolloutDevice = "cpu"): Promise<LlamaCppSampler> {
    const llama = await rolloutLlama(device);
    return new LlamaCppSampler(llama, await mkdtemp(join(tmpdir(), "tandem-rollouts-")), capacity);
  }

  /** What decodes: "cpu", or the GPU backend node-llama-cpp found ("cuda", "vulkan", "metal"). */
  get device(): string {
    return this.llama.gpu || "cpu";
  }

  private async context(model: SamplerModel): Promise<LlamaContext> {
    // The base's version and the adapters' (LoRA trains only those).
    const version = `${weightsVersion(model.params)}/${model.adapters ? weightsVersion(model.adapters.variables) : "-"}`;
    if (this.loaded?.params === model.params && this.loaded.version === version)
      return this.loaded.sampler.context;
    await this.loaded?.sampler.dispose();
    this.loaded = undefined;
    // A fresh file name each time: llama.cpp maps the file, so it is never rewritten under it.
    const path = join(this.dir, `weights-${this.generation++}.gguf`);
    await writePolicyGguf(path, model, { name: "tandem-rollout" });
    // One thread: tfjs (scoring) is single-threaded too, and more threads than cores stall llama.cpp.
    const sampler = await loadSampler(this.llama, path, {
      sequences: this.capacity,
      // Rollouts are a prompt and a short answer; a real checkpoint's 32k positions would reserve
      // gigabytes of KV cache per sequence.
      contextSize: Math.min(model.config.maxPositions, 2048),
      threads: 1,
    });
    await rm(path);
    this.loaded = { sampler, params: model.params, version };
    return sampler.context;
  }

  async sample(model: SamplerModel, prompt: readonly number[], o: SampleOptions): Promise<number[][]> {
    const [group] = await this.sampleGroups(model, [prompt], { ...o, seeds: [o.seed] });
    return group!;
  }

  async sampleGroups(
    model: SamplerModel,
    prompts: ReadonlyArray<readonly number[]>,
    o: GroupSampleOptions,
  ): Promise<number[][][]> {
    return (await this.sampleGroupsWithProbabilities(model, prompts, o)).map((g) => g.map((s) => s.ids));
  }

  /** Sample s of prompt p draws from streamSeed(seeds[p], s); sequences decode in lockstep, `capacity` at a time. */
  async sampleGroupsWithProbabilities(
    model: SamplerModel,
    prompts: ReadonlyArray<readonly number[]>,
    o: GroupSampleOptions,
  ): Promise<SampledSequence[][]> {
    const context = await this.context(model);
    const jobs = prompts.flatMap((prompt, p) =>
      Array.from({ length: o.samples }, (_, s) => ({ prompt, seed: streamSeed(o.seeds[p]!, s) })),
    );
    const out: SampledSequence[] = [];
    for (let i = 0; i < jobs.length; i += this.capacity)
      out.push(...(await sampleLockstep(context, jobs.slice(i, i + this.capacity), o)));
    return prompts.map((_, p) => out.slice(p * o.samples, (p + 1) * o.samples));
  }

  async dispose(): Promise<void> {
    await this.loaded?.sampler.dispose();
    this.loaded = undefined;
    await rm(this.dir, { recursive: true, force: true });
  }
}
