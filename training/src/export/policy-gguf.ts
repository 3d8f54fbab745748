/**
 * The trained policy as a GGUF file for wllama / llama.cpp: qwen2 architecture, F32 weights
 * (HF [out, in] layout is ggml's [in, out] with the same bytes), the byte-level BPE tokenizer with
 * its merges, special tokens marked CONTROL (so <|offload|> arrives as a token id), ChatML template.
 */

import { headDim, type Qwen2Config } from "../model/config";
import type { Params } from "../model/qwen2";
import type { BpeTokenizer } from "../tokenizer/bpe-tokenizer";
import { CHATML_JINJA } from "../tokenizer/chat-template";
import { GgmlType, type GgufFile, type GgufTensor, gguf } from "./gguf";

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

export function policyToGguf(
  c: Qwen2Config,
  params: Params,
  tokenizer: BpeTokenizer,
  name: string,
): GgufFile {
  const tensor = (ggmlName: string, hfName: string): GgufTensor => {
    const v = params.get(hfName);
    if (!v) throw new Error(`Export: the model has no ${hfName}.`);
    return { name: ggmlName, shape: v.shape, type: GgmlType.F32, data: () => v.dataSync() as Float32Array };
  };
  const tensors: GgufTensor[] = [tensor("token_embd.weight", "model.embed_tokens.weight")];
  for (let i = 0; i < c.numLayers; i++) {
    for (const [hf, ggml] of LAYER_TENSORS) {
      if (hf.endsWith(".bias") && !c.qkvBias) continue;
      tensors.push(tensor(`blk.${i}.${ggml}`, `model.layers.${i}.${hf}`));
    }
  }
  tensors.push(tensor("output_norm.weight", "model.norm.weight"));
  if (!c.tieEmbeddings) tensors.push(tensor("output.weight", "lm_head.weight"));

  const json = tokenizer.toJSON() as {
    model: { vocab: Record<string, number>; merges: Array<string | [string, string]> };
    added_tokens: Array<{ id: number; content: string; special: boolean }>;
  };
  const tokens: string[] = new Array(c.vocabSize).fill("");
  const types: number[] = new Array(c.vocabSize).fill(1);
  for (const [text, id] of Object.entries(json.model.vocab)) tokens[id] = text;
  for (const t of json.added_tokens) {
    tokens[t.id] = t.content;
    types[t.id] = t.special ? 3 : 4; // CONTROL : USER_DEFINED
  }
  tokens.forEach((t, i) => {
    if (t === "") {
      tokens[i] = `<|unused_${i}|>`;
      types[i] = 5; // UNUSED
    }
  });
  const merges = json.model.merges.map((m) => (Array.isArray(m) ? m.join(" ") : m));
  const id = (t: string) => {
    const i = tokenizer.idOf(t);
    if (i === undefined) throw new Error(`Export: the tokenizer has no ${t}.`);
    return i;
  };
  const arch = "qwen2";
  return {
    metadata: [
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
      ["tokenizer.ggml.pre", gguf.str("qwen2")],
      ["tokenizer.ggml.tokens", gguf.strings(tokens)],
      ["tokenizer.ggml.token_type", gguf.i32s(types)],
      ["tokenizer.ggml.merges", gguf.strings(merges)],
      ["tokenizer.ggml.bos_token_id", gguf.u32(id("<|endoftext|>"))],
      ["tokenizer.ggml.eos_token_id", gguf.u32(id("<|im_end|>"))],
      ["tokenizer.ggml.padding_token_id", gguf.u32(id("<|endoftext|>"))],
      ["tokenizer.ggml.add_bos_token", gguf.bool(false)],
      ["tokenizer.chat_template", gguf.str(CHATML_JINJA)],
    ],
    tensors,
  };
}
