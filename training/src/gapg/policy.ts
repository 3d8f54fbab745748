/**
 * The on-device policy: the Qwen2 model plus its tokenizer and chat format. Prompts are the task's
 * user message in ChatML; a completion ends with <|im_end|> (an answer) or <|offload|> (a request
 * for the cloud).
 */

import { tf } from "../model/backend";
import type { Qwen2Config } from "../model/config";
import type { LlamaCppRollouts } from "../model/llama-cpp-sampler";
import { forward, type Params } from "../model/qwen2";
import { sampleContinuations } from "../model/sampler";
import { formatPrompt, isOffload, OFFLOAD_TOKEN } from "../tasks/prompt-format";
import type { TaskExample } from "../tasks/types";
import type { BpeTokenizer } from "../tokenizer/bpe-tokenizer";
import { formatChat } from "../tokenizer/chat-template";

export const END_OF_TURN = "<|im_end|>";

export interface Completion {
  ids: number[];
  text: string;
  offloaded: boolean;
}

export class Policy {
  /** Samples through llama.cpp when set (faster); otherwise through tfjs. Scoring is always tfjs. */
  llamaCpp: LlamaCppRollouts | undefined;
  readonly endId: number;
  readonly offloadId: number;
  readonly padId: number;

  constructor(
    readonly config: Qwen2Config,
    readonly params: Params,
    readonly tokenizer: BpeTokenizer,
  ) {
    const id = (t: string) => {
      const i = tokenizer.idOf(t);
      if (i === undefined) throw new Error(`The tokenizer has no ${t} token.`);
      return i;
    };
    this.endId = id(END_OF_TURN);
    this.offloadId = id(OFFLOAD_TOKEN);
    this.padId = id("<|endoftext|>");
  }

  promptIds(example: TaskExample): number[] {
    const text = formatChat([{ role: "user", content: formatPrompt(example) }], {
      addGenerationPrompt: true,
    });
    return this.tokenizer.encode(text);
  }

  /** Token ids of a target completion (warm-up): the text, then end of turn unless it offloads. */
  completionIds(text: string): number[] {
    const ids = this.tokenizer.encode(text);
    return isOffload(text) ? ids : [...ids, this.endId];
  }

  decode(ids: readonly number[]): Completion {
    const text = this.tokenizer.decode([...ids], { skipSpecial: false }).replace(END_OF_TURN, "");
    return { ids: [...ids], text, offloaded: ids.includes(this.offloadId) || isOffload(text) };
  }

  /**
   * How strongly the model wants to ask for the cloud before answering: the offload token's logit
   * minus the best other token's, at the first position. Positive = greedy decoding offloads; a
   * logit bias of -threshold on the offload token makes exactly the prompts above threshold offload.
   */
  offloadMargin(example: TaskExample): number {
    const ids = this.promptIds(example);
    const logits = tf.tidy(() => {
      const { logits: all } = forward(this.config, this.params, tf.tensor2d([ids], [1, ids.length], "int32"));
      return tf.slice(all, [0, ids.length - 1, 0], [1, 1, -1]).dataSync() as Float32Array;
    });
    let best = Number.NEGATIVE_INFINITY;
    logits.forEach((l, i) => {
      if (i !== this.offloadId && l > best) best = l;
    });
    return logits[this.offloadId]! - best;
  }

  /** Call before sampling whenever the weights may have changed: the llama.cpp copy reloads them. */
  async syncSampler(): Promise<void> {
    await this.llamaCpp?.sync(this);
  }

  async sample(
    example: TaskExample,
    o: {
      samples: number;
      maxNewTokens: number;
      temperature: number;
      topP?: number;
      seed: number;
      banOffload?: boolean;
    },
  ): Promise<Completion[]> {
    const options = {
      samples: o.samples,
      maxNewTokens: o.maxNewTokens,
      temperature: o.temperature,
      ...(o.topP !== undefined ? { topP: o.topP } : {}),
      stopIds: [this.endId, this.offloadId],
      ...(o.banOffload ? { bannedIds: [this.offloadId] } : {}),
      seed: o.seed,
    };
    const prompt = this.promptIds(example);
    const outs = this.llamaCpp
      ? await this.llamaCpp.sample(prompt, options)
      : await sampleContinuations(this.config, this.params, prompt, options);
    return outs.map((ids) => this.decode(ids));
  }
}
