/** Helpers shared by the model's parity tests. */

import { tf } from "./backend";
import type { LoraParams } from "./lora";

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

/** Non-zero B, as after training, so the adapters change the output (and A gets gradients). */
export function perturb(lora: LoraParams, seed: number): void {
  let i = 0;
  for (const [name, v] of lora.variables)
    if (name.endsWith("lora_B.weight")) v.assign(tf.randomNormal(v.shape, 0, 0.1, "float32", seed + i++));
}
