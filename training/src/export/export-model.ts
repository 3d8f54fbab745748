/**
 * What every exporter takes: the architecture and config, the tokenizer (as tokenizer.json and as
 * our BpeTokenizer), the offload token's id and the weights with HF names. A Hugging Face folder
 * (checkpoint/hf-folder.ts) is one; `policyExportModel` makes one of a model trained here.
 */

import type { HfModelConfig } from "../checkpoint/hf-config";
import { memorySource, type TensorSource } from "../checkpoint/tensor-source";
import { tf } from "../model/backend";
import type { Qwen2Config } from "../model/config";
import { mergedWeight } from "../model/lora";
import { type Adapters, type LowRankUpdate, type Params, parameterShapes } from "../model/qwen2";
import { readRows, weightBlocks } from "../model/row-blocks";
import type { BpeTokenizer } from "../tokenizer/bpe-tokenizer";
import { findChatFormat } from "../tokenizer/chat-template";
import { OFFLOAD_TOKEN } from "../tokenizer/control-token";

export interface ExportModel {
  model: HfModelConfig;
  tokenizerJson: object;
  tokenizer: BpeTokenizer;
  /** The `<|offload|>` control token, when the tokenizer has it. */
  offloadTokenId?: number;
  weights: TensorSource;
}

export const parameterCount = (source: TensorSource): number =>
  source.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);

/**
 * A Qwen2 model trained in this package (tfjs variables) as an export source. With adapters, each
 * adapted weight is merged (W + scale * B @ A) when it is read and freed after: a 0.5B model's
 * merged copy would not fit beside the base in the 4 GiB wasm heap.
 */
export function policyExportModel(
  config: Qwen2Config,
  params: Params,
  tokenizer: BpeTokenizer,
  adapters?: Adapters,
): ExportModel {
  const tensors = parameterShapes(config).map(([name, shape]) => {
    const blocks = weightBlocks(params, name);
    const u = adapters?.update(name);
    return { name, shape, data: () => (u ? readMerged(blocks[0]!, u) : readRows(blocks)) };
  });
  const id = (t: string) => tokenizer.idOf(t);
  const format = findChatFormat(tokenizer);
  const eos = format && id(format.endOfTurn);
  const bos = format && id(format.bos);
  const offload = id(OFFLOAD_TOKEN);
  return {
    model: {
      architecture: config.qkvBias ? "qwen2" : "llama",
      config,
      ...(bos !== undefined ? { bosTokenId: bos } : {}),
      eosTokenIds: eos !== undefined ? [eos] : [],
    },
    tokenizerJson: tokenizer.toJSON(),
    tokenizer,
    ...(offload !== undefined ? { offloadTokenId: offload } : {}),
    weights: memorySource(tensors),
  };
}

async function readMerged(w: tf.Tensor, u: LowRankUpdate): Promise<Float32Array> {
  const merged = tf.tidy(() => mergedWeight(w, u));
  try {
    return (await merged.data()) as Float32Array;
  } finally {
    merged.dispose();
  }
}
