/**
 * A model as a GGUF file for llama.cpp, wllama and node-llama-cpp: `qwen2` or `llama`
 * architecture, weights in F32, F16, Q8_0 or Q4_0 (norms and biases stay F32; an HF [out, in]
 * weight is ggml's [in, out] with the same bytes), and the byte-level BPE tokenizer with its merges,
 * special tokens marked CONTROL so `<|offload|>` arrives as a token id.
 */

import { rowBlocks, type TensorSource } from "../checkpoint/tensor-source";
import { headDim, type Qwen2Config } from "../model/config";
import type { Adapters, Params } from "../model/qwen2";
import { llama3FrequencyFactors } from "../model/rope-scaling";
import type { BpeTokenizer } from "../tokenizer/bpe-tokenizer";
import { findChatFormat } from "../tokenizer/chat-template";
import { type ExportModel, policyExportModel } from "./export-model";
import { GgmlType, type GgufFile, type GgufTensor, type GgufValue, gguf, writeGgufFile } from "./gguf";
import { MODEL_CARD_KEY, type ModelCard } from "./model-card";

export type GgufWeightType = "f32" | "f16" | "q8_0" | "q4_0";
export const GGUF_WEIGHT_TYPES: readonly GgufWeightType[] = ["f32", "f16", "q8_0", "q4_0"];

const TYPES: Record<GgufWeightType, GgmlType> = {
  f32: GgmlType.F32,
  f16: GgmlType.F16,
  q8_0: GgmlType.Q8_0,
  q4_0: GgmlType.Q4_0,
};

const LAYER_TENSORS: Array<[hf: string, ggml: string]> = [
  ["input_layernorm.weight", "attn_norm.weight"],
  ["self_attn.q_proj.weight", "attn_q.weight"],
  ["self_attn.q_proj.bias", "attn_q.bias"],
  ["self_attn.k_proj.weight", "attn_k.weight"],
  ["self_attn.k_proj.bias", "attn_k.bias"],
  ["self_attn.v_proj.weight", "attn_v.weight"],
  ["self_attn.v_proj.bias", "attn_v.bias"],
  ["self_attn.o_proj.weight", "attn_output.weight"],
  ["post_attention_layernorm.weight", "ffn_norm.weight"],
  ["mlp.gate_proj.weight", "ffn_gate.weight"],
  ["mlp.up_proj.weight", "ffn_up.weight"],
  ["mlp.down_proj.weight", "ffn_down.weight"],
];

// llama.cpp token types.
const NORMAL = 1;
const CONTROL = 3;
const USER_DEFINED = 4;
const UNUSED = 5;

/**
 * llama.cpp's `llama` architecture rotates interleaved pairs (x0, x1), HF Llama rotates halves
 * (x_i, x_{i+d/2}); convert_hf_to_gguf.py reorders q/k rows per head to match: row i*2+j of a head
 * comes from row j*d/2+i. Qwen2 uses the halves layout in both, so it needs nothing.
 */
export function permuteForInterleavedRope(w: Float32Array, heads: number, cols: number): Float32Array {
  const hd = w.length / cols / heads;
  const out = new Float32Array(w.length);
  for (let h = 0; h < heads; h++)
    for (let i = 0; i < hd / 2; i++)
      for (let j = 0; j < 2; j++) {
        const from = (h * hd + j * (hd / 2) + i) * cols;
        out.set(w.subarray(from, from + cols), (h * hd + i * 2 + j) * cols);
      }
  return out;
}

function tensorFor(
  source: TensorSource,
  m: ExportModel,
  hfName: string,
  ggmlName: string,
  weightType: GgufWeightType,
): GgufTensor {
  const shape = source.tensors.find((t) => t.name === hfName)?.shape;
  if (!shape) throw new Error(`GGUF export: the model has no ${hfName}.`);
  const c = m.model.config;
  let type = TYPES[weightType];
  // Vectors stay F32, as llama.cpp's converter keeps them; rows that are not whole blocks get F16.
  if (shape.length < 2) type = GgmlType.F32;
  else if ((type === GgmlType.Q8_0 || type === GgmlType.Q4_0) && shape[shape.length - 1]! % 32 !== 0)
    type = GgmlType.F16;
  const permuteHeads =
    m.model.architecture === "llama"
      ? hfName.endsWith("q_proj.weight")
        ? c.numHeads
        : hfName.endsWith("k_proj.weight")
          ? c.numKvHeads
          : 0
      : 0;
  const data = permuteHeads
    ? async () => permuteForInterleavedRope(await source.read(hfName), permuteHeads, shape[1]!)
    : () => rowBlocks(source, hfName);
  return { name: ggmlName, shape, type, data };
}

/** tokenizer.ggml.* token list and types for every embedding row (unused rows get placeholders). */
function vocabulary(m: ExportModel): { tokens: string[]; types: number[]; merges: string[] } {
  const json = m.tokenizerJson as {
    model: { vocab: Record<string, number>; merges: Array<string | [string, string]> };
    added_tokens?: Array<{ id: number; content: string; special: boolean }>;
  };
  const size = m.model.config.vocabSize;
  const tokens: string[] = new Array(size).fill("");
  const types: number[] = new Array(size).fill(NORMAL);
  for (const [text, id] of Object.entries(json.model.vocab)) tokens[id] = text;
  for (const t of json.added_tokens ?? []) {
    tokens[t.id] = t.content;
    types[t.id] = t.special ? CONTROL : USER_DEFINED;
  }
  tokens.forEach((t, i) => {
    if (t === "") {
      tokens[i] = `<|unused_${i}|>`;
      types[i] = UNUSED;
    }
  });
  const merges = json.model.merges.map((x) => (Array.isArray(x) ? x.join(" ") : x));
  return { tokens, types, merges };
}

function ggufMetadata(m: ExportModel, name: string, card?: ModelCard): Array<[string, GgufValue]> {
  const c: Qwen2Config = m.model.config;
  const arch = m.model.architecture;
  const { tokens, types, merges } = vocabulary(m);
  const id = (t: string) => m.tokenizer.idOf(t);
  const format = findChatFormat(m.tokenizer);
  const eos = format?.name === "chatml" ? id(format.endOfTurn) : (m.model.eosTokenIds[0] ?? id("<|eot_id|>"));
  const bos = m.model.bosTokenId ?? id("<|endoftext|>") ?? id("<|begin_of_text|>");
  const pad = id("<|endoftext|>") ?? bos;
  const optional = (key: string, v: number | undefined): Array<[string, GgufValue]> =>
    v === undefined ? [] : [[key, gguf.u32(v)]];
  return [
    ["general.architecture", gguf.str(arch)],
    ["general.name", gguf.str(name)],
    ["general.alignment", gguf.u32(32)],
    [`${arch}.context_length`, gguf.u32(c.maxPositions)],
    [`${arch}.embedding_length`, gguf.u32(c.hiddenSize)],
    [`${arch}.block_count`, gguf.u32(c.numLayers)],
    [`${arch}.feed_forward_length`, gguf.u32(c.intermediateSize)],
    [`${arch}.attention.head_count`, gguf.u32(c.numHeads)],
    [`${arch}.attention.head_count_kv`, gguf.u32(c.numKvHeads)],
    [`${arch}.rope.dimension_count`, gguf.u32(headDim(c))],
    [`${arch}.rope.freq_base`, gguf.f32(c.ropeTheta)],
    [`${arch}.attention.layer_norm_rms_epsilon`, gguf.f32(c.rmsNormEps)],
    ["tokenizer.ggml.model", gguf.str("gpt2")],
    ["tokenizer.ggml.pre", gguf.str(arch === "qwen2" ? "qwen2" : "llama-bpe")],
    ["tokenizer.ggml.tokens", gguf.strings(tokens)],
    ["tokenizer.ggml.token_type", gguf.i32s(types)],
    ["tokenizer.ggml.merges", gguf.strings(merges)],
    ...optional("tokenizer.ggml.bos_token_id", bos),
    ...optional("tokenizer.ggml.eos_token_id", eos),
    ...optional("tokenizer.ggml.padding_token_id", pad),
    ["tokenizer.ggml.add_bos_token", gguf.bool(false)],
    ...(format ? [["tokenizer.chat_template", gguf.str(format.jinja)] as [string, GgufValue]] : []),
    ...(card ? [[MODEL_CARD_KEY, gguf.str(JSON.stringify(card))] as [string, GgufValue]] : []),
  ];
}

export function modelToGguf(
  m: ExportModel,
  { type = "f32", name = "tandem", card }: { type?: GgufWeightType; name?: string; card?: ModelCard } = {},
): GgufFile {
  const c = m.model.config;
  const w = m.weights;
  const tensors: GgufTensor[] = [tensorFor(w, m, "model.embed_tokens.weight", "token_embd.weight", type)];
  for (let i = 0; i < c.numLayers; i++) {
    for (const [hf, ggml] of LAYER_TENSORS) {
      if (hf.endsWith(".bias") && !c.qkvBias) continue;
      tensors.push(tensorFor(w, m, `model.layers.${i}.${hf}`, `blk.${i}.${ggml}`, type));
    }
  }
  tensors.push(tensorFor(w, m, "model.norm.weight", "output_norm.weight", type));
  // Llama 3's RoPE scaling travels as per-frequency divisors, as llama.cpp's converter writes them.
  if (c.ropeScaling) {
    const factors = llama3FrequencyFactors(c.ropeScaling, c.ropeTheta, headDim(c));
    tensors.push({
      name: "rope_freqs.weight",
      shape: [factors.length],
      type: GgmlType.F32,
      data: () => factors,
    });
  }
  if (!c.tieEmbeddings) tensors.push(tensorFor(w, m, "lm_head.weight", "output.weight", type));
  return { metadata: ggufMetadata(m, name, card), tensors };
}

/** A model trained here (tfjs variables) written as a GGUF file at `path`. */
export async function writePolicyGguf(
  path: string,
  model: { config: Qwen2Config; params: Params; tokenizer: BpeTokenizer; adapters?: Adapters | undefined },
  options: { name: string; type?: GgufWeightType; card?: ModelCard },
): Promise<void> {
  const source = policyExportModel(model.config, model.params, model.tokenizer, model.adapters);
  await writeGgufFile(path, modelToGguf(source, options));
}
