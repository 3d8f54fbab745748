/**
 * Losses over (prompt, completion) sequences, right-padded into one batch:
 * - policy gradient (GAPG and the baselines): -sum_i A_i * log pi(y_i | x_i) / (prompts x G), with the
 *   sequence-level log-probability (sum over completion tokens, no length normalisation);
 * - supervised warm-up: mean cross-entropy over completion tokens.
 * No gradient flows through prompt tokens or through cloud text (cloud answers are never in y).
 */

import { tf } from "./backend";
import type { Qwen2Config } from "./config";
import { type Adapters, type Params, sequenceLogProbs, tokenLogProbs } from "./qwen2";

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

/**
 * `normaliser` is constant across updates (prompts per batch x G, as in the paper), so a step's
 * size does not depend on how many groups the filter kept; log-probabilities are taken at the
 * temperature the samples were drawn at. With `kl`, a penalty kl.coef * KL(policy || reference) per
 * sampled token (the k3 estimator exp(r) - r - 1, r = log pi_ref - log pi) keeps the policy near the
 * reference (the warm-up weights), off by default as in the paper.
 */
export function policyGradientLoss(
  c: Qwen2Config,
  params: Params,
  batch: PackedBatch,
  advantages: readonly number[],
  o: { normaliser: number; temperature: number; kl?: { coef: number; referenceLogProbs: tf.Tensor2D } },
  adapters?: Adapters,
): tf.Scalar {
  const tokens = tokenLogProbs(c, params, batch.ids, batch.targets, adapters, o.temperature);
  const logProbs = tf.sum(tf.mul(tokens, batch.mask), -1);
  let loss = tf.neg(tf.sum(tf.mul(logProbs, tf.tensor1d([...advantages]))));
  if (o.kl && o.kl.coef > 0) {
    const r = tf.sub(o.kl.referenceLogProbs, tokens);
    const k3 = tf.sub(tf.sub(tf.exp(r), r), 1);
    loss = tf.add(loss, tf.mul(o.kl.coef, tf.sum(tf.mul(k3, batch.mask))));
  }
  return tf.div(loss, o.normaliser) as tf.Scalar;
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
