/**
 * What every exporter takes: the architecture and config, the tokenizer (as tokenizer.json and as
 * our BpeTokenizer), the offload token's id and the weights with HF names. A Hugging Face folder
 * (checkpoint/hf-folder.ts) is one; `policyExportModel` makes one of a model trained here.
 */

import type { HfModelConfig } from "../checkpoint/hf-config";
import { memorySource, type TensorSource } from "../checkpoint/tensor-source";
import type { Qwen2Config } from "../model/config";
import { type Params, parameterShapes } from "../model/qwen2";
import type { BpeTokenizer } from "../tokenizer/bpe-tokenizer";
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

/** A Qwen2 model trained in this package (tfjs variables) as an export source. */
export function policyExportModel(config: Qwen2Config, params: Params, tokenizer: BpeTokenizer): ExportModel {
  const tensors = parameterShapes(config).map(([name, shape]) => {
    const v = params.get(name);
    if (!v) throw new Error(`Export: the model has no ${name}.`);
    return { name, shape, data: () => v.data() as Promise<Float32Array> };
  });
  const id = (t: string) => tokenizer.idOf(t);
  const eos = id("<|im_end|>");
  const bos = id("<|endoftext|>");
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
