/**
 * Which tensors an MLC q4f16_1 / q4f32_1 export contains, in the order MLC's converter writes them,
 * and which HF tensors each is made of. Planning is separate from writing, so the list for a 0.5B
 * model can be checked without touching 0.5B weights. Layout (see facts/webllm-mlc.md):
 * q/k/v fused into one attention projection (Qwen2 `c_attn`, Llama `qkv_proj`), gate and up fused
 * into `gate_up_proj` (gate first), projection weights quantized in groups of 32 along the input
 * axis, biases and norms kept as floats, the embedding quantized and tied unless the config unties it.
 */

import type { Architecture } from "../../checkpoint/hf-config";
import type { Qwen2Config } from "../../model/config";
import { Q4_GROUP_SIZE } from "../quant/q4-group";

export type MlcQuantization = "q4f16_1" | "q4f32_1";
export const MLC_QUANTIZATIONS: readonly MlcQuantization[] = ["q4f16_1", "q4f32_1"];

export type MlcDtype = "uint32" | "float16" | "float32";

/** One MLC parameter group: quantized (q_weight + q_scale) or a plain float tensor. */
export interface MlcParam {
  /** MLC name without the .q_weight / .q_scale suffix for quantized params. */
  name: string;
  quantized: boolean;
  /** HF tensors concatenated along the first (output) axis, in order. */
  sources: readonly string[];
  /** Rows (concatenated) and input width of the HF weight; for plain tensors, the shape. */
  shape: readonly number[];
}

export interface MlcTensor {
  name: string;
  shape: number[];
  dtype: MlcDtype;
}

export const floatType = (q: MlcQuantization): MlcDtype => (q === "q4f16_1" ? "float16" : "float32");

export function planMlcParams(architecture: Architecture, c: Qwen2Config): MlcParam[] {
  const hd = c.hiddenSize / c.numHeads;
  const qkvRows = (c.numHeads + 2 * c.numKvHeads) * hd;
  const attn = architecture === "qwen2" ? "c_attn" : "qkv_proj";
  const q = (name: string, sources: string[], rows: number, cols: number): MlcParam => {
    if (cols % Q4_GROUP_SIZE !== 0)
      throw new Error(`MLC q4 export: ${name} has input width ${cols}, not a multiple of ${Q4_GROUP_SIZE}.`);
    return { name, quantized: true, sources, shape: [rows, cols] };
  };
  const plain = (name: string, sources: string[], size: number): MlcParam => ({
    name,
    quantized: false,
    sources,
    shape: [size],
  });
  const params: MlcParam[] = [
    q("model.embed_tokens", ["model.embed_tokens.weight"], c.vocabSize, c.hiddenSize),
  ];
  for (let i = 0; i < c.numLayers; i++) {
    const l = `model.layers.${i}`;
    const proj = (p: string, suffix: string) => `${l}.self_attn.${p}_proj.${suffix}`;
    params.push(
      q(
        `${l}.self_attn.${attn}`,
        ["q", "k", "v"].map((p) => proj(p, "weight")),
        qkvRows,
        c.hiddenSize,
      ),
    );
    if (c.qkvBias)
      params.push(
        plain(
          `${l}.self_attn.${attn}.bias`,
          ["q", "k", "v"].map((p) => proj(p, "bias")),
          qkvRows,
        ),
      );
    params.push(
      q(`${l}.self_attn.o_proj`, [proj("o", "weight")], c.hiddenSize, c.numHeads * hd),
      q(
        `${l}.mlp.gate_up_proj`,
        [`${l}.mlp.gate_proj.weight`, `${l}.mlp.up_proj.weight`],
        2 * c.intermediateSize,
        c.hiddenSize,
      ),
      q(`${l}.mlp.down_proj`, [`${l}.mlp.down_proj.weight`], c.hiddenSize, c.intermediateSize),
      plain(`${l}.input_layernorm.weight`, [`${l}.input_layernorm.weight`], c.hiddenSize),
      plain(`${l}.post_attention_layernorm.weight`, [`${l}.post_attention_layernorm.weight`], c.hiddenSize),
    );
  }
  params.push(plain("model.norm.weight", ["model.norm.weight"], c.hiddenSize));
  if (!c.tieEmbeddings) params.push(q("lm_head", ["lm_head.weight"], c.vocabSize, c.hiddenSize));
  return params;
}

/** The tensors (name, shape, dtype) the runtime loads for these params. */
export function mlcTensors(params: readonly MlcParam[], quant: MlcQuantization): MlcTensor[] {
  const float = floatType(quant);
  return params.flatMap((p): MlcTensor[] => {
    if (!p.quantized) return [{ name: p.name, shape: [...p.shape], dtype: float }];
    const [rows, cols] = p.shape as [number, number];
    return [
      { name: `${p.name}.q_weight`, shape: [rows, cols / 8], dtype: "uint32" },
      { name: `${p.name}.q_scale`, shape: [rows, cols / Q4_GROUP_SIZE], dtype: float },
    ];
  });
}
