/**
 * One interface for whoever samples completions from the policy: tfjs on the training weights
 * themselves, or llama.cpp on a GGUF copy it keeps in step (weights-version.ts). Options mean the
 * same in both: plain temperature sampling with optional top-p, stop tokens kept in the output,
 * banned tokens never sampled, a logit bias added at every position.
 */

import type { Qwen2Config } from "../model/config";
import type { LoraParams } from "../model/lora";
import type { Params } from "../model/qwen2";
import type { BpeTokenizer } from "../tokenizer/bpe-tokenizer";

export interface SampleOptions {
  samples: number;
  maxNewTokens: number;
  /** 0 is greedy. */
  temperature: number;
  topP?: number;
  seed: number;
  /** Generation of a sequence ends after one of these (kept in the output). */
  stopIds?: readonly number[];
  /** Tokens that may never be sampled (e.g. the offload token for task-only tuning). */
  bannedIds?: readonly number[];
  /** Added to these tokens' logits at every position (e.g. the offload bias b). */
  logitBias?: ReadonlyArray<readonly [id: number, bias: number]>;
}

export interface SamplerModel {
  config: Qwen2Config;
  params: Params;
  tokenizer: BpeTokenizer;
  /** LoRA adapters on the frozen `params` (a GGUF copy gets them merged in, tensor by tensor). */
  adapters?: LoraParams | undefined;
}

export interface GroupSampleOptions extends Omit<SampleOptions, "seed"> {
  /** One seed per prompt: what a prompt's samples are depends on its seed, not on its neighbours. */
  seeds: readonly number[];
}

export interface Sampler {
  /** `samples` continuations of `prompt` under the model's current weights. */
  sample(model: SamplerModel, prompt: readonly number[], options: SampleOptions): Promise<number[][]>;
  /** `samples` continuations of each prompt (a group per prompt), decoded together where the sampler can. */
  sampleGroups(
    model: SamplerModel,
    prompts: ReadonlyArray<readonly number[]>,
    options: GroupSampleOptions,
  ): Promise<number[][][]>;
  dispose(): Promise<void>;
}
