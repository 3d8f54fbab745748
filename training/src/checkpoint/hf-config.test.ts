import { describe, expect, it } from "vitest";
import { PRESETS } from "../model/config";
import { parseHfConfig, toHfConfig } from "./hf-config";

/** Qwen2.5-0.5B-Instruct's config.json as published. */
const QWEN25_05B = {
  architectures: ["Qwen2ForCausalLM"],
  attention_dropout: 0.0,
  bos_token_id: 151643,
  eos_token_id: 151645,
  hidden_act: "silu",
  hidden_size: 896,
  initializer_range: 0.02,
  intermediate_size: 4864,
  max_position_embeddings: 32768,
  max_window_layers: 21,
  model_type: "qwen2",
  num_attention_heads: 14,
  num_hidden_layers: 24,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 32768,
  tie_word_embeddings: true,
  torch_dtype: "bfloat16",
  transformers_version: "4.43.1",
  use_cache: true,
  use_sliding_window: false,
  vocab_size: 151936,
};

describe("config.json", () => {
  it("maps Qwen2.5-0.5B to the preset", () => {
    const m = parseHfConfig(QWEN25_05B);
    expect(m).toEqual({
      architecture: "qwen2",
      config: PRESETS["qwen2.5-0.5b"],
      bosTokenId: 151643,
      eosTokenIds: [151645],
    });
    expect(parseHfConfig(toHfConfig(m, "bfloat16"))).toEqual(m);
  });

  it("maps Llama (no q/k/v bias, tie per config, eos list)", () => {
    const llama = {
      model_type: "llama",
      hidden_size: 2048,
      intermediate_size: 8192,
      num_hidden_layers: 16,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      head_dim: 64,
      vocab_size: 128256,
      rope_theta: 500000,
      rms_norm_eps: 1e-5,
      tie_word_embeddings: false,
      eos_token_id: [128001, 128008, 128009],
    };
    const m = parseHfConfig(llama);
    expect(m.config).toMatchObject({ qkvBias: false, tieEmbeddings: false, numKvHeads: 8, rmsNormEps: 1e-5 });
    expect(m.eosTokenIds).toEqual([128001, 128008, 128009]);
    expect(parseHfConfig(toHfConfig(m, "float32"))).toEqual(m);
  });

  it("reads Llama-3.2-1B-Instruct's config.json, Llama 3 RoPE scaling included, and writes it back", () => {
    const llama32 = {
      architectures: ["LlamaForCausalLM"],
      attention_bias: false,
      attention_dropout: 0.0,
      bos_token_id: 128000,
      eos_token_id: [128001, 128008, 128009],
      head_dim: 64,
      hidden_act: "silu",
      hidden_size: 2048,
      initializer_range: 0.02,
      intermediate_size: 8192,
      max_position_embeddings: 131072,
      mlp_bias: false,
      model_type: "llama",
      num_attention_heads: 32,
      num_hidden_layers: 16,
      num_key_value_heads: 8,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: {
        factor: 32.0,
        high_freq_factor: 4.0,
        low_freq_factor: 1.0,
        original_max_position_embeddings: 8192,
        rope_type: "llama3",
      },
      rope_theta: 500000.0,
      tie_word_embeddings: true,
      torch_dtype: "bfloat16",
      use_cache: true,
      vocab_size: 128256,
    };
    const m = parseHfConfig(llama32);
    expect(m.config).toMatchObject({
      tieEmbeddings: true,
      qkvBias: false,
      ropeScaling: { factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 },
    });
    expect(parseHfConfig(toHfConfig(m, "bfloat16"))).toEqual(m);
    expect(() => parseHfConfig({ ...llama32, rope_scaling: { rope_type: "llama3", factor: 0 } })).toThrow(
      /rope_scaling.factor must be a positive number/,
    );
  });

  it("rejects what the model does not implement, naming the key", () => {
    expect(() => parseHfConfig({ ...QWEN25_05B, rope_scaling: { rope_type: "yarn", factor: 4 } })).toThrow(
      /rope_scaling/,
    );
    expect(() => parseHfConfig({ ...QWEN25_05B, hidden_act: "gelu" })).toThrow(/hidden_act "gelu"/);
    expect(() => parseHfConfig({ ...QWEN25_05B, hidden_size: undefined })).toThrow(/"hidden_size"/);
    expect(() => parseHfConfig({ ...QWEN25_05B, model_type: "mistral" })).toThrow(/qwen2, llama/);
  });
});
