/**
 * LoRA (low-rank adaptation) of the Qwen2 projections, named as PEFT names them so adapters move
 * between this package and transformers/PEFT. A targeted weight W [out, in] gets A [rank, in]
 * (Kaiming-uniform, PEFT's default) and B [out, rank] (zeros, so training starts at the base model)
 * and acts as W + (alpha / rank) * B @ A. The base stays frozen because only `variables` is handed
 * to the optimizer.
 */

import type { TensorInfo } from "../checkpoint/tensor-source";
import { tf } from "./backend";
import type { Qwen2Config } from "./config";
import { type Adapters, type LowRankUpdate, type Params, parameterShapes } from "./qwen2";

/** The projections an adapter can target (PEFT's target_modules names). */
export const LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

export interface LoraConfig {
  rank: number;
  alpha: number;
  /** Projection names from LORA_TARGETS; every layer's projection of that name is adapted. */
  targets: readonly string[];
}

/** One adapted base weight and its two matrices (PEFT names, shapes). */
export interface LoraSlot {
  weight: string;
  a: TensorInfo;
  b: TensorInfo;
}

/** `model.layers.0.self_attn.q_proj.weight` -> `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`. */
const adapterName = (weight: string, matrix: "A" | "B") =>
  `base_model.model.${weight.replace(/\.weight$/, "")}.lora_${matrix}.weight`;

function validateLora(lora: LoraConfig): void {
  if (!Number.isInteger(lora.rank) || lora.rank < 1)
    throw new Error(`The LoRA rank must be a positive integer, not ${lora.rank}.`);
  if (!(Number.isFinite(lora.alpha) && lora.alpha > 0))
    throw new Error(`The LoRA alpha must be a positive number, not ${lora.alpha}.`);
  if (lora.targets.length === 0)
    throw new Error(`LoRA needs at least one target: ${LORA_TARGETS.join(", ")}.`);
  const unknown = lora.targets.filter((t) => !LORA_TARGETS.includes(t));
  if (unknown.length > 0)
    throw new Error(
      `Unknown LoRA target${unknown.length > 1 ? "s" : ""} ${unknown.map((t) => `"${t}"`).join(", ")}; ` +
        `valid targets are ${LORA_TARGETS.join(", ")}.`,
    );
}

/** The adapters `lora` gives this model, layer by layer; `params` must hold the targeted weights. */
export function loraSlots(c: Qwen2Config, params: Params, lora: LoraConfig): LoraSlot[] {
  validateLora(lora);
  const slots: LoraSlot[] = [];
  for (const [weight, shape] of parameterShapes(c)) {
    const module = /\.(\w+)\.weight$/.exec(weight)?.[1];
    if (!module || !lora.targets.includes(module)) continue;
    const w = params.get(weight);
    if (w?.shape.join() !== shape.join())
      throw new Error(`LoRA: the base model has no ${weight} of shape [${shape}].`);
    const [out, inp] = shape as [number, number];
    slots.push({
      weight,
      a: { name: adapterName(weight, "A"), shape: [lora.rank, inp] },
      b: { name: adapterName(weight, "B"), shape: [out, lora.rank] },
    });
  }
  return slots;
}

export class LoraParams implements Adapters {
  readonly scale: number;
  /** lora_A/lora_B under PEFT names: what the optimizer trains and what is saved. */
  readonly variables: Params = new Map();
  private readonly updates = new Map<string, LowRankUpdate>();

  constructor(
    readonly config: LoraConfig,
    adapters: ReadonlyArray<{ weight: string; a: tf.Variable; b: tf.Variable }>,
  ) {
    this.scale = config.alpha / config.rank;
    for (const { weight, a, b } of adapters) {
      this.variables.set(adapterName(weight, "A"), a);
      this.variables.set(adapterName(weight, "B"), b);
      this.updates.set(weight, { a, b, scale: this.scale });
    }
  }

  /** HF names of the adapted base weights. */
  get weights(): string[] {
    return [...this.updates.keys()];
  }

  update(name: string): LowRankUpdate | undefined {
    return this.updates.get(name);
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
  }
}

/** Fresh adapters: A ~ U(-1/sqrt(in), 1/sqrt(in)) from the seed (PEFT's kaiming_uniform_(a=sqrt(5))), B = 0. */
export function initLora(c: Qwen2Config, params: Params, lora: LoraConfig, seed: number): LoraParams {
  const adapters = loraSlots(c, params, lora).map(({ weight, a, b }, i) => {
    const bound = 1 / Math.sqrt(a.shape[1]!);
    return {
      weight,
      a: tf.tidy(() =>
        tf.variable(tf.randomUniform([...a.shape], -bound, bound, "float32", seed * 1000 + i)),
      ),
      b: tf.tidy(() => tf.variable(tf.zeros([...b.shape]))),
    };
  });
  return new LoraParams(lora, adapters);
}

/** W + scale * B @ A for one adapted weight (inside the caller's tidy). */
export const mergedWeight = (w: tf.Tensor, u: LowRankUpdate): tf.Tensor =>
  tf.add(w, tf.mul(tf.matMul(u.b, u.a), u.scale));
