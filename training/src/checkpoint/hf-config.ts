/**
 * Hugging Face config.json <-> our model config. Two architectures share the decoder: Qwen2 (q/k/v
 * projections have biases) and Llama (no biases). Options that change the computation and that
 * the model does not implement are rejected with the key to blame, not silently ignored.
 */

import type { Qwen2Config } from "../model/config";
import type { Llama3RopeScaling } from "../model/rope-scaling";

export type Architecture = "qwen2" | "llama";

export interface HfModelConfig {
  architecture: Architecture;
  config: Qwen2Config;
  bosTokenId?: number;
  eosTokenIds: number[];
}

const ARCHITECTURES: Record<string, { architecture: Architecture; className: string }> = {
  qwen2: { architecture: "qwen2", className: "Qwen2ForCausalLM" },
  llama: { architecture: "llama", className: "LlamaForCausalLM" },
};

type Json = Record<string, unknown>;

function int(o: Json, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw new Error(`${where}: "${key}" must be a positive integer (got ${JSON.stringify(v)}).`);
  return v;
}

function num(o: Json, key: string, fallback: number): number {
  const v = o[key] ?? fallback;
  if (typeof v !== "number") throw new Error(`config.json: "${key}" must be a number.`);
  return v;
}

/** Plain RoPE (null) or Llama 3's scaling; any other kind is refused by name. */
function parseRopeScaling(value: unknown, where: string): Llama3RopeScaling | undefined {
  if (value === undefined || value === null) return undefined;
  const o = value as Json;
  const type = o.rope_type ?? o.type;
  if (type !== "llama3")
    throw new Error(`${where}: rope_scaling of type ${JSON.stringify(type)} is not supported (only llama3).`);
  const field = (key: string) => {
    const v = o[key];
    if (typeof v !== "number" || !(v > 0))
      throw new Error(`${where}: rope_scaling.${key} must be a positive number.`);
    return v;
  };
  return {
    factor: field("factor"),
    lowFreqFactor: field("low_freq_factor"),
    highFreqFactor: field("high_freq_factor"),
    originalMaxPositions: field("original_max_position_embeddings"),
  };
}

export function parseHfConfig(json: unknown, where = "config.json"): HfModelConfig {
  const o = json as Json;
  const type = String(o.model_type ?? "");
  const arch = ARCHITECTURES[type];
  if (!arch) {
    throw new Error(
      `${where}: model_type "${type}" is not supported; supported architectures: ${Object.keys(ARCHITECTURES).join(", ")}.`,
    );
  }
  const act = o.hidden_act ?? "silu";
  if (act !== "silu") throw new Error(`${where}: hidden_act "${act}" is not supported (only silu).`);
  const ropeScaling = parseRopeScaling(o.rope_scaling, where);
  if (o.use_sliding_window === true) throw new Error(`${where}: use_sliding_window is not supported.`);
  if (o.mlp_bias === true) throw new Error(`${where}: mlp_bias is not supported.`);
  if (arch.architecture === "llama" && o.attention_bias === true)
    throw new Error(`${where}: attention_bias is not supported for llama (it adds an o_proj bias).`);
  const hiddenSize = int(o, "hidden_size", where);
  const numHeads = int(o, "num_attention_heads", where);
  if (o.head_dim !== undefined && o.head_dim !== null && o.head_dim !== hiddenSize / numHeads) {
    throw new Error(
      `${where}: head_dim ${o.head_dim} differs from hidden_size / num_attention_heads = ${hiddenSize / numHeads}; not supported.`,
    );
  }
  const eos = o.eos_token_id;
  return {
    architecture: arch.architecture,
    config: {
      vocabSize: int(o, "vocab_size", where),
      hiddenSize,
      intermediateSize: int(o, "intermediate_size", where),
      numLayers: int(o, "num_hidden_layers", where),
      numHeads,
      numKvHeads: o.num_key_value_heads === undefined ? numHeads : int(o, "num_key_value_heads", where),
      ropeTheta: num(o, "rope_theta", 10_000),
      rmsNormEps: num(o, "rms_norm_eps", 1e-6),
      // transformers' default for both classes is true.
      tieEmbeddings: o.tie_word_embeddings !== false,
      qkvBias: arch.architecture === "qwen2",
      maxPositions:
        o.max_position_embeddings === undefined ? 32_768 : int(o, "max_position_embeddings", where),
      ...(ropeScaling ? { ropeScaling } : {}),
    },
    ...(typeof o.bos_token_id === "number" ? { bosTokenId: o.bos_token_id } : {}),
    eosTokenIds: typeof eos === "number" ? [eos] : Array.isArray(eos) ? eos.map(Number) : [],
  };
}

/** A config.json that transformers loads for this model. */
export function toHfConfig(m: HfModelConfig, dtype: "float32" | "float16" | "bfloat16"): Json {
  const c = m.config;
  const arch = ARCHITECTURES[m.architecture]!;
  return {
    architectures: [arch.className],
    model_type: m.architecture,
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    num_key_value_heads: c.numKvHeads,
    head_dim: c.hiddenSize / c.numHeads,
    hidden_act: "silu",
    max_position_embeddings: c.maxPositions,
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    rope_scaling: c.ropeScaling
      ? {
          rope_type: "llama3",
          factor: c.ropeScaling.factor,
          low_freq_factor: c.ropeScaling.lowFreqFactor,
          high_freq_factor: c.ropeScaling.highFreqFactor,
          original_max_position_embeddings: c.ropeScaling.originalMaxPositions,
        }
      : null,
    tie_word_embeddings: c.tieEmbeddings,
    ...(m.architecture === "llama"
      ? { attention_bias: false, mlp_bias: false }
      : { use_sliding_window: false }),
    ...(m.bosTokenId !== undefined ? { bos_token_id: m.bosTokenId } : {}),
    ...(m.eosTokenIds.length > 0
      ? { eos_token_id: m.eosTokenIds.length === 1 ? m.eosTokenIds[0] : m.eosTokenIds }
      : {}),
    torch_dtype: dtype,
  };
}
