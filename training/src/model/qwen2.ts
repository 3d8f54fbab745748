/**
 * The Qwen2 decoder on TensorFlow.js, read top to bottom like the architecture:
 * token embedding -> N x [RMSNorm -> attention (RoPE, grouped-query, q/k/v bias) -> residual ->
 * RMSNorm -> SwiGLU MLP -> residual] -> RMSNorm -> logits (tied to the embedding by default).
 * Parameters carry Hugging Face names, so checkpoints map one to one.
 *
 * Two wasm-backend constraints shape the code: the embedding lookup is oneHot(ids) x embedding
 * (the gradient of gather needs a kernel wasm lacks), and grouped-query attention never repeats
 * key/value heads: the query heads that share a kv head are stacked along the time axis and meet
 * that head's keys in one matmul (wasm's Tile took an eighth of a training step, and batched
 * matmuls run at a tenth of the 2-D ones' speed there, so fewer, taller ones are better).
 */

import { tf } from "./backend";
import { chunkedTargetLogProbs } from "./chunked-log-probs";
import { headDim, type Qwen2Config, validateConfig } from "./config";
import { recomputedInBackward } from "./recompute";
import { llama3FrequencyFactors } from "./rope-scaling";
import { gatherRows, timesTransposed, weightBlocks } from "./row-blocks";

export type Params = Map<string, tf.Variable>;

const layerName = (i: number, rest: string) => `model.layers.${i}.${rest}`;

/** Every parameter's name and HF shape ([out, in] for projections). */
export function parameterShapes(c: Qwen2Config): Array<[string, number[]]> {
  validateConfig(c);
  const hd = headDim(c);
  const shapes: Array<[string, number[]]> = [["model.embed_tokens.weight", [c.vocabSize, c.hiddenSize]]];
  for (let i = 0; i < c.numLayers; i++) {
    shapes.push(
      [layerName(i, "input_layernorm.weight"), [c.hiddenSize]],
      [layerName(i, "self_attn.q_proj.weight"), [c.numHeads * hd, c.hiddenSize]],
      [layerName(i, "self_attn.k_proj.weight"), [c.numKvHeads * hd, c.hiddenSize]],
      [layerName(i, "self_attn.v_proj.weight"), [c.numKvHeads * hd, c.hiddenSize]],
    );
    if (c.qkvBias) {
      shapes.push(
        [layerName(i, "self_attn.q_proj.bias"), [c.numHeads * hd]],
        [layerName(i, "self_attn.k_proj.bias"), [c.numKvHeads * hd]],
        [layerName(i, "self_attn.v_proj.bias"), [c.numKvHeads * hd]],
      );
    }
    shapes.push(
      [layerName(i, "self_attn.o_proj.weight"), [c.hiddenSize, c.numHeads * hd]],
      [layerName(i, "post_attention_layernorm.weight"), [c.hiddenSize]],
      [layerName(i, "mlp.gate_proj.weight"), [c.intermediateSize, c.hiddenSize]],
      [layerName(i, "mlp.up_proj.weight"), [c.intermediateSize, c.hiddenSize]],
      [layerName(i, "mlp.down_proj.weight"), [c.hiddenSize, c.intermediateSize]],
    );
  }
  shapes.push(["model.norm.weight", [c.hiddenSize]]);
  if (!c.tieEmbeddings) shapes.push(["lm_head.weight", [c.vocabSize, c.hiddenSize]]);
  return shapes;
}

/** Normal(0, 0.02) weights, unit norms, zero biases; reproducible from the seed. */
export function initParams(c: Qwen2Config, seed: number): Params {
  const params: Params = new Map();
  parameterShapes(c).forEach(([name, shape], i) => {
    const value =
      name.endsWith("layernorm.weight") || name === "model.norm.weight"
        ? tf.ones(shape)
        : name.endsWith(".bias")
          ? tf.zeros(shape)
          : tf.randomNormal(shape, 0, 0.02, "float32", seed * 1000 + i);
    params.set(name, tf.variable(value, true));
    value.dispose();
  });
  return params;
}

function p(params: Params, name: string): tf.Variable {
  const v = params.get(name);
  if (!v) throw new Error(`Missing parameter ${name}`);
  return v;
}

function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  const variance = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(variance, eps))), weight);
}

/** x [..., in] times W^T for an HF weight W [out, in]. */
function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const flat = tf.reshape(x, [-1, shape[shape.length - 1]!]);
  let y = tf.matMul(flat, weight, false, true);
  if (bias) y = tf.add(y, bias);
  return tf.reshape(y, [...shape.slice(0, -1), weight.shape[0]!]);
}

/** cos and sin tables [T, headDim] for positions offset..offset+T-1 (NEOX layout: halves). */
export function ropeTables(
  c: Qwen2Config,
  offset: number,
  length: number,
): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const hd = headDim(c);
  const half = hd / 2;
  const factors = c.ropeScaling ? llama3FrequencyFactors(c.ropeScaling, c.ropeTheta, hd) : undefined;
  const cos = new Float32Array(length * hd);
  const sin = new Float32Array(length * hd);
  for (let t = 0; t < length; t++) {
    for (let i = 0; i < half; i++) {
      const angle = ((offset + t) * c.ropeTheta ** (-(2 * i) / hd)) / (factors?.[i] ?? 1);
      cos[t * hd + i] = cos[t * hd + i + half] = Math.cos(angle);
      sin[t * hd + i] = sin[t * hd + i + half] = Math.sin(angle);
    }
  }
  return { cos: tf.tensor2d(cos, [length, hd]), sin: tf.tensor2d(sin, [length, hd]) };
}

/** x [B, heads, T, hd] rotated: x * cos + rotate_half(x) * sin. */
function applyRope(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  const hd = x.shape[3]!;
  const [x1, x2] = tf.split(x, [hd / 2, hd / 2], 3);
  const rotated = tf.concat([tf.neg(x2!), x1!], 3);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
}

/** A low-rank update of a projection weight W [out, in]: W acts as W + scale * B @ A. */
export interface LowRankUpdate {
  /** [rank, in] */
  a: tf.Tensor;
  /** [out, rank] */
  b: tf.Tensor;
  scale: number;
}

/** Adapters (LoRA, lora.ts): the update of the HF weight `name`, when it has one. */
export interface Adapters {
  update(name: string): LowRankUpdate | undefined;
}

/** Keys and values of earlier positions, per layer, for incremental decoding. */
export interface KvCache {
  keys: tf.Tensor[];
  values: tf.Tensor[];
  length: number;
}

/**
 * Logits [B, T, V] for token ids [B, T]. With a cache, the ids continue the cached positions and
 * the cache is replaced by one that includes them (the caller disposes the old one).
 */
export function forward(
  c: Qwen2Config,
  params: Params,
  ids: tf.Tensor2D,
  cache?: KvCache,
  adapters?: Adapters,
): { logits: tf.Tensor3D; cache: KvCache } {
  const stack = decoderStack(c, params, ids, cache, adapters);
  return { logits: headLogits(stack.hidden, outputHead(c, params)) as tf.Tensor3D, cache: stack.cache };
}

/** The output head's row blocks (one unless the backend cannot bind it whole: row-blocks.ts). */
const outputHead = (c: Qwen2Config, params: Params) =>
  weightBlocks(params, c.tieEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight");

/** Logits [..., vocab] of hidden states [..., H] (in one piece: the ops of `linear`). */
function headLogits(hidden: tf.Tensor, head: readonly tf.Tensor[]): tf.Tensor {
  const shape = hidden.shape;
  const flat = timesTransposed(tf.reshape(hidden, [-1, shape[shape.length - 1]!]), head);
  return tf.reshape(flat, [...shape.slice(0, -1), flat.shape[1]!]);
}

/**
 * The final-normed hidden states [B, T, H] the output head reads, and the updated cache (as forward).
 * With `recompute` and a frozen base, each layer keeps only its input for the backward pass and runs
 * again there (gradient checkpointing; the cache is then left empty): tfjs keeps ~10 MB of
 * activations per token through a 0.5B model's 24 layers, which a LoRA update on wasm cannot hold.
 */
function decoderStack(
  c: Qwen2Config,
  params: Params,
  ids: tf.Tensor2D,
  cache?: KvCache,
  adapters?: Adapters,
  recompute = false,
): { hidden: tf.Tensor3D; cache: KvCache } {
  const [batch, length] = ids.shape;
  const hd = headDim(c);
  const groups = c.numHeads / c.numKvHeads;
  const offset = cache?.length ?? 0;
  const embed = weightBlocks(params, "model.embed_tokens.weight");
  const trainedEmbedding = embed.length === 1 && embed[0]!.trainable;
  const flatIds = tf.reshape(ids, [-1]);
  // A trained embedding is looked up by a one-hot product (its gradient is a plain matmul); a frozen one
  // (under LoRA) by gather: a real vocabulary's product costs 2 x 152k x 896 FLOP per token.
  const rows = trainedEmbedding
    ? tf.matMul(tf.oneHot(flatIds, c.vocabSize), embed[0]!)
    : gatherRows(embed, flatIds);
  let x: tf.Tensor = tf.reshape(rows, [batch, length, c.hiddenSize]);
  const { cos, sin } = ropeTables(c, offset, length);
  const total = offset + length;
  // Causal mask over [groups x length, total]: query t (of each head in a group) sees keys up to offset + t.
  const maskData = new Float32Array(groups * length * total);
  for (let r = 0; r < groups * length; r++)
    for (let k = offset + (r % length) + 1; k < total; k++) maskData[r * total + k] = -1e9;
  const tables = [cos, sin, tf.tensor2d(maskData, [groups * length, total])];
  const keys: tf.Tensor[] = [];
  const values: tf.Tensor[] = [];
  const heads = (y: tf.Tensor, n: number) =>
    tf.transpose(tf.reshape(y, [batch, length, n, hd]), [0, 2, 1, 3]);

  const layer = (i: number, x: tf.Tensor, updates: Adapters | undefined, tables: readonly tf.Tensor[]) => {
    const [cos, sin, mask] = tables as [tf.Tensor, tf.Tensor, tf.Tensor];
    // An adapter adds scale * (x A^T) B^T: two thin matmuls instead of materialising W + scale * B A.
    const project = (x: tf.Tensor, name: string, bias?: tf.Tensor) => {
      const y = linear(x, p(params, name), bias);
      const u = updates?.update(name);
      return u ? tf.add(y, tf.mul(linear(linear(x, u.a), u.b), u.scale)) : y;
    };
    const bias = (proj: string) =>
      c.qkvBias ? p(params, layerName(i, `self_attn.${proj}.bias`)) : undefined;
    const h = rmsNorm(x, p(params, layerName(i, "input_layernorm.weight")), c.rmsNormEps);
    const q = applyRope(
      heads(project(h, layerName(i, "self_attn.q_proj.weight"), bias("q_proj")), c.numHeads),
      cos,
      sin,
    );
    let k = applyRope(
      heads(project(h, layerName(i, "self_attn.k_proj.weight"), bias("k_proj")), c.numKvHeads),
      cos,
      sin,
    );
    let v = heads(project(h, layerName(i, "self_attn.v_proj.weight"), bias("v_proj")), c.numKvHeads);
    if (cache) {
      k = tf.concat([cache.keys[i]!, k], 2);
      v = tf.concat([cache.values[i]!, v], 2);
    }
    // Query head j uses kv head floor(j / groups) (Hugging Face's repeat_kv): [B, kv, groups x T, hd].
    const grouped = tf.reshape(q, [batch, c.numKvHeads, groups * length, hd]);
    const scores = tf.add(tf.div(tf.matMul(grouped, k, false, true), Math.sqrt(hd)), mask);
    const attended = tf.reshape(tf.matMul(tf.softmax(scores), v), [batch, c.numHeads, length, hd]);
    const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch, length, c.numHeads * hd]);
    let out = tf.add(x, project(merged, layerName(i, "self_attn.o_proj.weight")));

    const m = rmsNorm(out, p(params, layerName(i, "post_attention_layernorm.weight")), c.rmsNormEps);
    const gate = project(m, layerName(i, "mlp.gate_proj.weight"));
    const up = project(m, layerName(i, "mlp.up_proj.weight"));
    out = tf.add(
      out,
      project(tf.mul(tf.mul(gate, tf.sigmoid(gate)), up), layerName(i, "mlp.down_proj.weight")),
    );
    return { x: out, k, v };
  };

  const checkpointed = recompute && !cache && !trainedEmbedding;
  const adapted = checkpointed ? [...params.keys()].filter((n) => adapters?.update(n)) : [];
  for (let i = 0; i < c.numLayers; i++) {
    if (checkpointed) {
      // The layer's adapters are inputs of the recomputed op, so their gradients flow through it.
      const names = adapted.filter((n) => n.startsWith(layerName(i, "")));
      const updates = names.map((n) => adapters!.update(n)!);
      x = recomputedInBackward(
        ([input, ...ab], kept) =>
          layer(
            i,
            input!,
            {
              update: (name) => {
                const j = names.indexOf(name);
                return j < 0 ? undefined : { a: ab[2 * j]!, b: ab[2 * j + 1]!, scale: updates[j]!.scale };
              },
            },
            kept,
          ).x,
        [x, ...updates.flatMap((u) => [u.a, u.b])],
        tables,
      );
      continue;
    }
    const out = layer(i, x, adapters, tables);
    keys.push(out.k);
    values.push(out.v);
    x = out.x;
  }
  const hidden = rmsNorm(x, p(params, "model.norm.weight"), c.rmsNormEps) as tf.Tensor3D;
  return { hidden, cache: { keys, values, length: total } };
}

export function disposeCache(cache: KvCache | undefined): void {
  if (!cache) return;
  for (const t of [...cache.keys, ...cache.values]) t.dispose();
}

/** Logits (elements) above which tokenLogProbs goes through the head in chunks (64 MB in f32). */
const LOGITS_IN_ONE_PIECE = 2 ** 24;

/** Log-probability of each of `targets` [B, T] under the model at a sampling temperature: [B, T]. */
export function tokenLogProbs(
  c: Qwen2Config,
  params: Params,
  ids: tf.Tensor2D,
  targets: tf.Tensor2D,
  adapters?: Adapters,
  temperature = 1,
): tf.Tensor2D {
  const { hidden } = decoderStack(c, params, ids, undefined, adapters, true);
  const head = outputHead(c, params);
  const [batch, length] = ids.shape;
  if (batch * length * c.vocabSize > LOGITS_IN_ONE_PIECE) {
    const flat = chunkedTargetLogProbs(
      tf.reshape(hidden, [-1, c.hiddenSize]),
      head,
      tf.reshape(targets, [-1]),
      temperature,
      Math.max(1, Math.floor(LOGITS_IN_ONE_PIECE / c.vocabSize)),
    );
    return tf.reshape(flat, [batch, length]);
  }
  const logits = headLogits(hidden, head);
  const logProbs = tf.logSoftmax(temperature === 1 ? logits : tf.div(logits, temperature));
  return tf.sum(tf.mul(logProbs, tf.oneHot(targets, c.vocabSize)), -1) as tf.Tensor2D;
}

/**
 * Sum of log-probabilities of `targets` under the model at a sampling temperature, per sequence.
 * `ids` [B, T] are the inputs, `targets` [B, T] the next tokens, `mask` [B, T] 1 where a target
 * counts (completion tokens).
 */
export function sequenceLogProbs(
  c: Qwen2Config,
  params: Params,
  ids: tf.Tensor2D,
  targets: tf.Tensor2D,
  mask: tf.Tensor2D,
  adapters?: Adapters,
  temperature = 1,
): tf.Tensor1D {
  return tf.sum(
    tf.mul(tokenLogProbs(c, params, ids, targets, adapters, temperature), mask),
    -1,
  ) as tf.Tensor1D;
}
