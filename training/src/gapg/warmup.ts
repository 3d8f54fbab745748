/**
 * Supervised warm-up for a model trained from scratch. The paper starts GAPG from instruct
 * checkpoints that already follow the format; a from-scratch tiny model does not, so it first
 * learns worked solutions in the <think>/<answer> format, plus a small share of examples whose
 * target stops the worked solution at a random step and emits <|offload|> there (offloadCutPoints:
 * right after a step's "=", chosen independently of difficulty). The policy
 * can then emit the token at any step of its reasoning, but does not yet know when: that is what
 * GAPG teaches.
 */

import { AdamW, DEFAULT_ADAMW } from "../model/adamw";
import { tf } from "../model/backend";
import { packBatch, supervisedLoss } from "../model/policy-loss";
import { OFFLOAD_TOKEN, offloadCutPoints, solutionCompletion } from "../tasks/prompt-format";
import { createRng, type Rng } from "../tasks/rng";
import type { TaskExample } from "../tasks/types";
import type { Policy } from "./policy";

export interface WarmupConfig {
  steps: number;
  batchSize: number;
  lr: number;
  /** Steps over which the learning rate rises linearly from 0 before the cosine decay. */
  lrWarmupSteps: number;
  /** Share of targets cut at a random step and ended with <|offload|>. */
  offloadShare: number;
  /**
   * Draw each operand-length shape (operandShape) equally often instead of in proportion to the
   * pool: two 2-digit operands are the rarest carry-free shape (13% of the pipeline's pool), and
   * were every failure of its weak warm-ups (mostly answers read wrongly off correct column sums).
   */
  balanceShapes?: boolean;
  seed: number;
}

export const DEFAULT_WARMUP: WarmupConfig = {
  steps: 400,
  batchSize: 32,
  lr: 3e-3,
  lrWarmupSteps: 0,
  offloadShare: 0.1,
  seed: 1,
};

/** Where an offload target may stop this completion; its start when its reasoning has no step. */
function cutPointsOrStart(completion: string): number[] {
  const cuts = offloadCutPoints(completion);
  return cuts.length > 0 ? cuts : [0];
}

/** Linear rise over `rise` steps, then cosine decay to 0 (which keeps the end of the warm-up stable). */
export function warmupCosine(step: number, steps: number, rise: number): number {
  if (step <= rise) return step / rise;
  return 0.5 * (1 + Math.cos((Math.PI * (step - 1 - rise)) / (steps - rise)));
}

/** The digit counts of a question's numbers, in order: "2+3" for "What is 57 + 348?". */
export const operandShape = (e: TaskExample): string =>
  (e.question.match(/\d+/g) ?? []).map((n) => n.length).join("+");

/** Draws examples uniformly from the pool, or shape by shape (a uniform shape, then an example of it). */
export function exampleDraw(pool: readonly TaskExample[], balance: boolean, rng: Rng): () => TaskExample {
  if (!balance) return () => pool[rng.int(0, pool.length - 1)]!;
  const byShape = new Map<string, TaskExample[]>();
  for (const e of pool) {
    const shape = operandShape(e);
    const same = byShape.get(shape);
    if (same) same.push(e);
    else byShape.set(shape, [e]);
  }
  const shapes = [...byShape.values()];
  return () => rng.pick(rng.pick(shapes));
}

export async function warmup(
  policy: Policy,
  train: readonly TaskExample[],
  solution: (e: TaskExample) => string,
  config: WarmupConfig,
  onStep: (step: number, loss: number) => void = () => {},
): Promise<number[]> {
  const rng = createRng(config.seed);
  const draw = exampleDraw(train, config.balanceShapes === true, rng);
  const optimizer = new AdamW(policy.params, { ...DEFAULT_ADAMW, lr: config.lr, weightDecay: 0.01 });
  const losses: number[] = [];
  for (let step = 1; step <= config.steps; step++) {
    const lrScale = warmupCosine(step, config.steps, config.lrWarmupSteps);
    const seqs = Array.from({ length: config.batchSize }, () => {
      const e = draw();
      const worked = solutionCompletion(e, solution(e));
      const target =
        rng.next() < config.offloadShare
          ? worked.slice(0, rng.pick(cutPointsOrStart(worked))) + OFFLOAD_TOKEN
          : worked;
      return { prompt: policy.promptIds(e), completion: policy.completionIds(target) };
    });
    const packed = packBatch(seqs, policy.padId);
    try {
      const r = await optimizer.minimize(() => supervisedLoss(policy.config, policy.params, packed), lrScale);
      losses.push(r.loss);
      onStep(step, r.loss);
    } finally {
      packed.dispose();
    }
    await tf.nextFrame();
  }
  return losses;
}
