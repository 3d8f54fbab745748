/**
 * mlc-chat-config.json: what web-llm reads besides the weights (sizes, sampling defaults,
 * tokenizer files and the conversation template). The template follows the tokenizer's chat
 * format: ChatML (Qwen2) or Llama-3's header tokens, as MLC's qwen2 / llama-3_1 templates.
 *
 * `<|offload|>` is a stop token: generation ends on it (nothing after the marker is wanted), the
 * app's LogitProcessor still sees its id (web-llm calls processSampledToken before the stop check)
 * and the stream's final chunk hands it over; its text is not printed.
 */

import type { HfModelConfig } from "../../checkpoint/hf-config";
import type { BpeTokenizer } from "../../tokenizer/bpe-tokenizer";
import type { MlcQuantization } from "./plan";

/** The prebuilt libraries are compiled for 1024-token prefill chunks (`_cs1k`). */
export const PREFILL_CHUNK_SIZE = 1024;
export const DEFAULT_CONTEXT_WINDOW = 4096;

interface ConvTemplate {
  name: string;
  system_template: string;
  system_message: string;
  system_prefix_token_ids?: number[];
  /** false: an empty system message renders no system block at all. */
  render_empty_system_message?: boolean;
  add_role_after_system_message: boolean;
  roles: { user: string; assistant: string };
  role_templates: { user: string; assistant: string; tool: string };
  messages: [];
  seps: string[];
  role_content_sep: string;
  role_empty_sep: string;
  stop_str: string[];
  stop_token_ids: number[];
  function_string: "";
  use_function_calling: false;
}

const ROLE_TEMPLATES = { user: "{user_message}", assistant: "{assistant_message}", tool: "{tool_message}" };

function idsOf(tokenizer: BpeTokenizer, tokens: readonly string[]): number[] {
  return tokens.flatMap((t) => {
    const id = tokenizer.idOf(t);
    return id === undefined ? [] : [id];
  });
}

/**
 * The tokenizer's MLC conversation template. `asTrained`: the model was trained on a user message
 * alone (a model with a card; see tokenizer/chat-template.ts), so the template renders no system
 * block; otherwise it adds MLC's default system message, as MLC's own templates do.
 */
export function convTemplate(
  tokenizer: BpeTokenizer,
  offloadTokenId: number | undefined,
  asTrained = false,
): ConvTemplate {
  const template = mlcTemplate(tokenizer, offloadTokenId);
  return asTrained ? { ...template, system_message: "", render_empty_system_message: false } : template;
}

function mlcTemplate(tokenizer: BpeTokenizer, offloadTokenId: number | undefined): ConvTemplate {
  const offload = offloadTokenId === undefined ? [] : [offloadTokenId];
  if (tokenizer.idOf("<|im_start|>") !== undefined && tokenizer.idOf("<|im_end|>") !== undefined) {
    const stops = ["<|endoftext|>", "<|im_end|>"].filter((t) => tokenizer.idOf(t) !== undefined);
    return {
      name: "qwen2",
      system_template: "<|im_start|>system\n{system_message}<|im_end|>\n",
      system_message: "You are a helpful assistant.",
      add_role_after_system_message: true,
      roles: { user: "<|im_start|>user", assistant: "<|im_start|>assistant" },
      role_templates: ROLE_TEMPLATES,
      messages: [],
      seps: ["<|im_end|>\n"],
      role_content_sep: "\n",
      role_empty_sep: "\n",
      stop_str: stops,
      stop_token_ids: [...idsOf(tokenizer, stops), ...offload],
      function_string: "",
      use_function_calling: false,
    };
  }
  if (tokenizer.idOf("<|start_header_id|>") !== undefined && tokenizer.idOf("<|eot_id|>") !== undefined) {
    return {
      name: "llama-3_1",
      system_template: "<|start_header_id|>system<|end_header_id|>\n\n{system_message}<|eot_id|>",
      system_message: "You are a helpful, respectful and honest assistant.",
      system_prefix_token_ids: idsOf(tokenizer, ["<|begin_of_text|>"]),
      add_role_after_system_message: true,
      roles: { user: "<|start_header_id|>user", assistant: "<|start_header_id|>assistant" },
      role_templates: ROLE_TEMPLATES,
      messages: [],
      seps: ["<|eot_id|>"],
      role_content_sep: "<|end_header_id|>\n\n",
      role_empty_sep: "<|end_header_id|>\n\n",
      stop_str: [],
      stop_token_ids: [...idsOf(tokenizer, ["<|end_of_text|>", "<|eom_id|>", "<|eot_id|>"]), ...offload],
      function_string: "",
      use_function_calling: false,
    };
  }
  throw new Error(
    "No conversation template fits this tokenizer: it has neither ChatML (<|im_start|>, <|im_end|>) nor Llama-3 header tokens.",
  );
}

export function mlcChatConfig(
  m: HfModelConfig,
  quant: MlcQuantization,
  tokenizer: BpeTokenizer,
  offloadTokenId: number | undefined,
  contextWindow = DEFAULT_CONTEXT_WINDOW,
  asTrained = false,
): Record<string, unknown> {
  const c = m.config;
  const conv = convTemplate(tokenizer, offloadTokenId, asTrained);
  const eos =
    m.eosTokenIds.length > 0 ? m.eosTokenIds : conv.stop_token_ids.filter((id) => id !== offloadTokenId);
  const pad = tokenizer.idOf("<|endoftext|>") ?? m.bosTokenId ?? 0;
  return {
    version: "0.1.0",
    model_type: m.architecture,
    quantization: quant,
    model_config: {
      hidden_size: c.hiddenSize,
      intermediate_size: c.intermediateSize,
      num_attention_heads: c.numHeads,
      num_hidden_layers: c.numLayers,
      num_key_value_heads: c.numKvHeads,
      head_dim: c.hiddenSize / c.numHeads,
      rms_norm_eps: c.rmsNormEps,
      rope_theta: c.ropeTheta,
      vocab_size: c.vocabSize,
      tie_word_embeddings: c.tieEmbeddings,
      context_window_size: contextWindow,
      prefill_chunk_size: PREFILL_CHUNK_SIZE,
      tensor_parallel_shards: 1,
      max_batch_size: 80,
    },
    vocab_size: c.vocabSize,
    context_window_size: contextWindow,
    sliding_window_size: -1,
    prefill_chunk_size: PREFILL_CHUNK_SIZE,
    attention_sink_size: -1,
    tensor_parallel_shards: 1,
    temperature: 0.7,
    presence_penalty: 0,
    frequency_penalty: 0,
    repetition_penalty: 1.05,
    top_p: 0.8,
    tokenizer_files: ["tokenizer.json"],
    tokenizer_info: {
      token_postproc_method: "byte_level",
      prepend_space_in_encode: false,
      strip_space_in_decode: false,
    },
    conv_template: conv,
    pad_token_id: pad,
    bos_token_id: m.bosTokenId ?? pad,
    eos_token_id: eos.length === 1 ? eos[0] : eos,
  };
}
