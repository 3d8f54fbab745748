/**
 * Losses over (prompt, completion) sequences, right-padded into one batch:
 * - policy gradient (GAPG and the baselines): -sum_i A_i * log pi(y_i | x_i) / groups, with the
 *   sequence-level log-probability (sum over completion tokens, no length normalisation);
 * - supervised warm-up: mean cross-entropy over completion tokens.
 * No gradient flows through prompt tokens or through cloud text (cloud answers are never in y).
 */

import { tf } from "./backend";
import type { Qwen2Config } from "./config";
import { type Adapters, type Params, sequenceLogProbs } from "./qwen2";

export interface Sequence {
  prompt: readonly number[];
  completion: readonly number[];
}

export interface PackedBatch {
  ids: tf.Tensor2D;
  targets: tf.Tensor2D;
  mask: tf.Tensor2D;
  completionTokens: number;
  dispose(): void;
}

/** inputs = prompt + completion minus its last token; targets shifted by one; mask on completion. */
export function packBatch(seqs: readonly Sequence[], padId: number): PackedBatch {
  const length = Math.max(...seqs.map((s) => s.prompt.length + s.completion.length - 1));
  const ids = new Int32Array(seqs.length * length).fill(padId);
  const targets = new Int32Array(seqs.length * length).fill(padId);
  const mask = new Float32Array(seqs.length * length);
  let completionTokens = 0;
  seqs.forEach((s, b) => {
    const all = [...s.prompt, ...s.completion];
    for (let t = 0; t < all.length - 1; t++) {
      ids[b * length + t] = all[t]!;
      targets[b * length + t] = all[t + 1]!;
      if (t + 1 >= s.prompt.length) {
        mask[b * length + t] = 1;
        completionTokens++;
      }
    }
  });
  const shape: [number, number] = [seqs.length, length];
  const packed = {
    ids: tf.tensor2d(ids, shape, "int32"),
    targets: tf.tensor2d(targets, shape, "int32"),
    mask: tf.tensor2d(mask, shape),
    completionTokens,
    dispose: () => {
      packed.ids.dispose();
      packed.targets.dispose();
      packed.mask.dispose();
    },
  };
  return packed;
}

export function policyGradientLoss(
  c: Qwen2Config,
  params: Params,
  batch: PackedBatch,
  advantages: readonly number[],
  groups: number,
  adapters?: Adapters,
): tf.Scalar {
  const logProbs = sequenceLogProbs(c, params, batch.ids, batch.targets, batch.mask, adapters);
  return tf.div(tf.neg(tf.sum(tf.mul(logProbs, tf.tensor1d([...advantages])))), groups) as tf.Scalar;
}

export function supervisedLoss(
  c: Qwen2Config,
  params: Params,
  batch: PackedBatch,
  adapters?: Adapters,
): tf.Scalar {
  const logProbs = sequenceLogProbs(c, params, batch.ids, batch.targets, batch.mask, adapters);
  return tf.div(tf.neg(tf.sum(logProbs)), Math.max(1, batch.completionTokens)) as tf.Scalar;
}
