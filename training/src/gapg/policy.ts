/**
 * The on-device policy: the Qwen2 (or Llama) model plus its tokenizer and chat format. Prompts are
 * the task's user message in the tokenizer's chat format (ChatML or Llama 3's); a completion ends
 * with the format's end of turn (an answer) or <|offload|> (a request for the cloud).
 */

import { tf } from "../model/backend";
import type { Qwen2Config } from "../model/config";
import type { LoraParams } from "../model/lora";
import { forward, type Params } from "../model/qwen2";
import type { Sampler } from "../rollout/sampler";
import { tfjsSampler } from "../rollout/tfjs-sampler";
import { formatPrompt, isOffload, OFFLOAD_TOKEN } from "../tasks/prompt-format";
import type { TaskExample } from "../tasks/types";
import type { BpeTokenizer } from "../tokenizer/bpe-tokenizer";
import { type ChatFormat, chatFormatOf } from "../tokenizer/chat-template";

export interface Completion {
  ids: number[];
  text: string;
  offloaded: boolean;
}

export interface PolicySampleOptions {
  samples: number;
  maxNewTokens: number;
  temperature: number;
  topP?: number;
  banOffload?: boolean;
  /** Logit bias b on <|offload|> at every position (the app's and the evaluator's decision rule). */
  offloadBias?: number;
}

export class Policy {
  /** Who samples completions (tfjs, or llama.cpp: faster here). Scoring is always tfjs. */
  sampler: Sampler = tfjsSampler;
  readonly endId: number;
  readonly offloadId: number;
  readonly padId: number;
  readonly chatFormat: ChatFormat;

  /** With `adapters`, the base `params` stay frozen and training updates the LoRA matrices only. */
  constructor(
    readonly config: Qwen2Config,
    readonly params: Params,
    readonly tokenizer: BpeTokenizer,
    readonly adapters?: LoraParams,
  ) {
    // Frozen also tells the model to look the embedding up by gather rather than a one-hot product.
    if (adapters) for (const v of params.values()) v.trainable = false;
    const id = (t: string) => {
      const i = tokenizer.idOf(t);
      if (i === undefined) throw new Error(`The tokenizer has no ${t} token.`);
      return i;
    };
    this.chatFormat = chatFormatOf(tokenizer);
    this.endId = id(this.chatFormat.endOfTurn);
    this.offloadId = id(OFFLOAD_TOKEN);
    this.padId = id(this.chatFormat.padding);
  }

  /** What the optimizer updates (and a checkpoint saves): the adapters when there are, else every weight. */
  get trainable(): Params {
    return this.adapters?.variables ?? this.params;
  }

  promptIds(example: TaskExample): number[] {
    const text = this.chatFormat.render([{ role: "user", content: formatPrompt(example) }], {
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
    const text = this.tokenizer
      .decode([...ids], { skipSpecial: false })
      .replace(this.chatFormat.endOfTurn, "");
    return { ids: [...ids], text, offloaded: ids.includes(this.offloadId) || isOffload(text) };
  }

  /**
   * The offload margin at every position of an answer: the offload token's logit minus the best
   * other token's, at each position that predicts answer[0..n-1] (teacher-forced, batched). Greedy
   * decoding with a logit bias b on <|offload|> follows the answer until the first position where
   * margin + b > 0 and offloads there; it never offloads if no margin exceeds -b.
   */
  async answerMargins(
    pairs: ReadonlyArray<{ prompt: readonly number[]; answer: readonly number[] }>,
  ): Promise<number[][]> {
    const out: number[][] = [];
    const V = this.config.vocabSize;
    // Every other token's logit, with the offload token's pushed out of reach of the max.
    const others = tf.tidy(() => tf.mul(tf.oneHot([this.offloadId], V).reshape([1, 1, V]), -1e30));
    try {
      for (let start = 0; start < pairs.length; ) {
        const length = (n: number) =>
          Math.max(
            ...pairs.slice(start, start + n).map((p) => p.prompt.length + Math.max(0, p.answer.length - 1)),
          );
        // Logits are [rows, length, vocab]: about 2^25 values per chunk, at most 32 rows (a 152k vocabulary
        // takes a few rows at a time).
        const rows = Math.max(1, Math.min(32, Math.floor(2 ** 25 / (length(32) * V))));
        const L = length(rows);
        const chunk = pairs.slice(start, start + rows);
        start += chunk.length;
        const ids = new Int32Array(chunk.length * L).fill(this.padId);
        chunk.forEach((p, b) => {
          ids.set([...p.prompt, ...p.answer.slice(0, -1)], b * L);
        });
        // The margins are computed where the logits are; only [rows, length] values come back.
        const margins = tf.tidy(() => {
          const { logits } = forward(
            this.config,
            this.params,
            tf.tensor2d(ids, [chunk.length, L], "int32"),
            undefined,
            this.adapters,
          );
          const offload = tf.squeeze(tf.slice(logits, [0, 0, this.offloadId], [-1, -1, 1]), [2]);
          return tf.sub(offload, tf.max(tf.add(logits, others), -1));
        });
        const values = (await margins.data()) as Float32Array;
        margins.dispose();
        chunk.forEach((p, b) => {
          const from = b * L + p.prompt.length - 1;
          out.push(Array.from(values.subarray(from, from + p.answer.length)));
        });
      }
    } finally {
      others.dispose();
    }
    return out;
  }

  /** Sampling options in the policy's terms, as the sampler takes them. */
  private samplerOptions(o: PolicySampleOptions) {
    return {
      samples: o.samples,
      maxNewTokens: o.maxNewTokens,
      temperature: o.temperature,
      ...(o.topP !== undefined ? { topP: o.topP } : {}),
      stopIds: [this.endId, this.offloadId],
      ...(o.banOffload ? { bannedIds: [this.offloadId] } : {}),
      ...(o.offloadBias ? { logitBias: [[this.offloadId, o.offloadBias] as const] } : {}),
    };
  }

  async sample(example: TaskExample, o: PolicySampleOptions & { seed: number }): Promise<Completion[]> {
    const outs = await this.sampler.sample(this, this.promptIds(example), {
      ...this.samplerOptions(o),
      seed: o.seed,
    });
    return outs.map((ids) => this.decode(ids));
  }

  /** `samples` completions of each example, decoded together; example i's come from `seeds[i]`. */
  async sampleGroups(
    examples: readonly TaskExample[],
    o: PolicySampleOptions & { seeds: readonly number[] },
  ): Promise<Completion[][]> {
    const groups = await this.sampler.sampleGroups(
      this,
      examples.map((e) => this.promptIds(e)),
      { ...this.samplerOptions(o), seeds: o.seeds },
    );
    return groups.map((g) => g.map((ids) => this.decode(ids)));
  }
}
