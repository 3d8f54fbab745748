/**
 * A local Hugging Face model folder (config.json, tokenizer.json, model.safetensors or shards plus
 * index) opened for training and export. Weights stay on disk until read. The `<|offload|>` control
 * token is added to the tokenizer when missing, and its embedding row reads as the mean of the
 * rows of existing tokens.
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { maxTensorElements, tf } from "../model/backend";
import { type Params, parameterShapes } from "../model/qwen2";
import { blockLayout } from "../model/row-blocks";
import { BpeTokenizer } from "../tokenizer/bpe-tokenizer";
import { OFFLOAD_TOKEN, usedTokenIds, withControlToken } from "../tokenizer/control-token";
import { type HfModelConfig, parseHfConfig } from "./hf-config";
import { openSafetensorsCheckpoint } from "./sharded";
import { rowBlocks, type TensorSource } from "./tensor-source";

export interface HfCheckpoint {
  dir: string;
  model: HfModelConfig;
  /** tokenizer.json as read, plus the offload token when it was added. */
  tokenizerJson: object;
  tokenizer: BpeTokenizer;
  offloadTokenId: number;
  /** The checkpoint did not have the offload token: it was added at a free row. */
  offloadAdded: boolean;
  /** The model's parameters (HF names), checked against the config's shapes. */
  weights: TensorSource;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new Error(`${path} is missing: a Hugging Face model folder needs its ${what}.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Mean of the rows of `name` whose ids are in `ids`, streamed block by block. */
async function meanRow(source: TensorSource, name: string, ids: ReadonlySet<number>): Promise<Float32Array> {
  const width = source.tensors.find((t) => t.name === name)!.shape[1]!;
  const sum = new Float64Array(width);
  let row = 0;
  let count = 0;
  for await (const block of rowBlocks(source, name)) {
    for (let r = 0; r < block.length / width; r++, row++) {
      if (!ids.has(row)) continue;
      count++;
      for (let j = 0; j < width; j++) sum[j]! += block[r * width + j]!;
    }
  }
  return Float32Array.from(sum, (s) => s / Math.max(1, count));
}

/**
 * The weights with row `id` of the embedding (and of an untied lm_head) replaced by the mean of
 * the rows of `existing` tokens. A new token starts where an average token is: its embedding
 * gives hidden states of the usual scale, and as an output row its logit is near the average one,
 * so it is neither sampled right away nor unreachable by training. A free row of a real
 * checkpoint is untrained (random or zero) and would give neither guarantee.
 */
function withMeanRow(
  source: TensorSource,
  names: string[],
  id: number,
  existing: ReadonlySet<number>,
): TensorSource {
  const means = new Map<string, Promise<Float32Array>>();
  return {
    ...source,
    async read(name, start = 0, end) {
      const data = await source.read(name, start, end);
      const stop = end ?? source.tensors.find((t) => t.name === name)?.shape[0] ?? 0;
      if (!names.includes(name) || id < start || id >= stop) return data;
      let mean = means.get(name);
      if (!mean) {
        mean = meanRow(source, name, existing);
        means.set(name, mean);
      }
      const m = await mean;
      data.set(m, (id - start) * m.length);
      return data;
    },
  };
}

function checkShapes(dir: string, model: HfModelConfig, source: TensorSource): TensorSource {
  const present = new Map(source.tensors.map((t) => [t.name, t.shape]));
  const expected = parameterShapes(model.config);
  for (const [name, shape] of expected) {
    const got = present.get(name);
    if (!got) throw new Error(`${dir}: the checkpoint has no tensor ${name} (config.json needs it).`);
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new Error(`${dir}: tensor ${name} has shape [${got}], config.json implies [${shape}].`);
    }
  }
  // Only the model's parameters: e.g. a tied checkpoint's redundant lm_head.weight is left out.
  const wanted = new Set(expected.map(([n]) => n));
  return { ...source, tensors: source.tensors.filter((t) => wanted.has(t.name)) };
}

export async function openHfCheckpoint(
  dir: string,
  { controlToken = OFFLOAD_TOKEN }: { controlToken?: string } = {},
): Promise<HfCheckpoint> {
  const model = parseHfConfig(
    await readJson(join(dir, "config.json"), "config.json"),
    join(dir, "config.json"),
  );
  const original = (await readJson(join(dir, "tokenizer.json"), "tokenizer.json")) as object;
  const { json, id, added } = withControlToken(original, controlToken, model.config.vocabSize);
  const tokenizer = BpeTokenizer.fromJSON(json);
  if (tokenizer.vocabSize > model.config.vocabSize) {
    throw new Error(
      `${dir}: the tokenizer has ids up to ${tokenizer.vocabSize - 1}, beyond vocab_size ${model.config.vocabSize}.`,
    );
  }
  const raw = await openSafetensorsCheckpoint(dir);
  let weights: TensorSource;
  try {
    weights = checkShapes(dir, model, raw);
  } catch (e) {
    await raw.close();
    throw e;
  }
  if (added) {
    const rows = ["model.embed_tokens.weight", ...(model.config.tieEmbeddings ? [] : ["lm_head.weight"])];
    weights = withMeanRow(weights, rows, id, usedTokenIds(original));
  }
  return { dir, model, tokenizerJson: json, tokenizer, offloadTokenId: id, offloadAdded: added, weights };
}

/**
 * The weights as trainable tfjs variables with HF names (what model/qwen2.ts runs). A weight of more
 * than `maxElements` values (the backend's binding limit: `maxTensorElements()`) is kept in frozen
 * row blocks, and never exists whole on the device (model/row-blocks.ts).
 */
export async function loadParams(
  ckpt: Pick<HfCheckpoint, "model" | "weights">,
  maxElements = maxTensorElements(),
): Promise<Params> {
  const params: Params = new Map();
  for (const [name, shape] of parameterShapes(ckpt.model.config)) {
    const [rows, cols = 1] = shape as [number, number?];
    const blocks = blockLayout(name, rows, cols, maxElements);
    for (const b of blocks) {
      const data = await ckpt.weights.read(name, b.start, b.start + b.rows);
      const value = tf.tensor(data, [b.rows, ...shape.slice(1)], "float32");
      params.set(b.name, tf.variable(value, blocks.length === 1));
      value.dispose();
    }
  }
  return params;
}
