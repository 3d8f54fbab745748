/**
 * Router B, the paper's kind of router: a separate model that reads the prompt, here the same tiny
 * architecture initialised from the warm-up weights and fine-tuned as a binary classifier on the
 * same labels as router A (does the task-tuned local model fail this prompt?). Its score is a logit
 * read at the prompt's last position, z = logit(<|offload|>) - logit(<|im_end|>), trained with
 * binary cross-entropy. It never generates: it only routes.
 */

import type { Policy } from "../gapg/policy";
import { AdamW, DEFAULT_ADAMW } from "../model/adamw";
import { tf } from "../model/backend";
import { forward } from "../model/qwen2";
import { createRng } from "../tasks/rng";

export interface ModelRouterConfig {
  steps: number;
  batchSize: number;
  lr: number;
  seed: number;
}

export const DEFAULT_MODEL_ROUTER: ModelRouterConfig = { steps: 300, batchSize: 32, lr: 1e-3, seed: 1 };

/** z for each prompt: [B] logits (right-padded batch; each read at its own last position). */
function routerLogits(router: Policy, prompts: ReadonlyArray<readonly number[]>): tf.Tensor1D {
  const length = Math.max(...prompts.map((p) => p.length));
  const ids = new Int32Array(prompts.length * length).fill(router.padId);
  const last = new Float32Array(prompts.length * length);
  prompts.forEach((p, b) => {
    ids.set(p, b * length);
    last[b * length + p.length - 1] = 1;
  });
  const { logits } = forward(
    router.config,
    router.params,
    tf.tensor2d(ids, [prompts.length, length], "int32"),
  );
  const column = (id: number) => tf.squeeze(tf.slice(logits, [0, 0, id], [-1, -1, 1]), [2]);
  const z = tf.sub(column(router.offloadId), column(router.endId));
  return tf.sum(tf.mul(z, tf.tensor2d(last, [prompts.length, length])), -1) as tf.Tensor1D;
}

/** Fine-tunes `router` (a copy of the warm-up model: its weights change) on the labelled prompts. */
export async function trainModelRouter(
  router: Policy,
  examples: ReadonlyArray<{ tokens: readonly number[]; localFails: boolean }>,
  config: ModelRouterConfig = DEFAULT_MODEL_ROUTER,
  onStep: (step: number, loss: number) => void = () => {},
): Promise<void> {
  if (examples.length === 0) throw new Error("Router B needs labelled prompts to train on.");
  const rng = createRng(config.seed);
  const optimizer = new AdamW(router.params, { ...DEFAULT_ADAMW, lr: config.lr, weightDecay: 0.01 });
  for (let step = 1; step <= config.steps; step++) {
    const batch = Array.from({ length: config.batchSize }, () => rng.pick(examples));
    const labels = tf.tensor1d(batch.map((e) => (e.localFails ? 1 : 0)));
    const lrScale = 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / config.steps));
    try {
      const { loss } = await optimizer.minimize(() => {
        const z = routerLogits(
          router,
          batch.map((e) => e.tokens),
        );
        // Binary cross-entropy with logits: softplus(z) - y z.
        return tf.mean(tf.sub(tf.softplus(z), tf.mul(labels, z))) as tf.Scalar;
      }, lrScale);
      onStep(step, loss);
    } finally {
      labels.dispose();
    }
    await tf.nextFrame();
  }
}

/** Router B's score for each prompt (higher = more likely to fail locally). */
export function modelRouterScores(router: Policy, prompts: ReadonlyArray<readonly number[]>): number[] {
  const out: number[] = [];
  for (let i = 0; i < prompts.length; i += 64)
    out.push(...tf.tidy(() => Array.from(routerLogits(router, prompts.slice(i, i + 64)).dataSync())));
  return out;
}
