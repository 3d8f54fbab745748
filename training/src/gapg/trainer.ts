/**
 * The GAPG loop, one fresh batch per update, as in the paper:
 *   sample G completions per prompt -> score (hierarchical rewards) -> filter (D1 + capped D2)
 *   -> group advantages (no std normalisation) -> one policy-gradient step.
 * The baselines are the same loop with switches: collaboration-aware tuning = GRPO advantages and
 * no filtering; task-only tuning = the offload token banned and no cloud reward.
 */

import {
  hasCheckpoint,
  loadTrainerCheckpoint,
  saveTrainerCheckpoint,
} from "../checkpoint/trainer-checkpoint";
import type { CloudOracle } from "../cloud/oracle";
import { AdamW, DEFAULT_ADAMW } from "../model/adamw";
import { tf } from "../model/backend";
import { packBatch, policyGradientLoss, type Sequence } from "../model/policy-loss";
import { tokenLogProbs } from "../model/qwen2";
import { rollout } from "../rollout/rollout";
import { createRng, streamSeed } from "../tasks/rng";
import type { Task, TaskExample } from "../tasks/types";
import { type AdvantageMode, groupAdvantages } from "./advantages";
import { type CategoryStep, categorySteps } from "./category-steps";
import { adaptiveFilter } from "./filtering";
import type { Policy } from "./policy";
import { DEFAULT_REWARDS, type RewardWeights } from "./rewards";

export type Method = "gapg" | "collab-aware" | "task-only";

export interface GapgConfig {
  /** gapg | collab-aware (GRPO advantages, no filter) | task-only (never offloads). */
  method: Method;
  /** Completions sampled per prompt, G (paper: 8). */
  groupSize: number;
  /** Prompts per batch (paper: 32). */
  promptsPerBatch: number;
  /** Policy updates, one per fresh batch (paper: 800 on Countdown). */
  steps: number;
  /** Cloud budget: at most rho * |D1| help-request prompts per update (paper: 3/7 = 30% of prompts). */
  rho: number;
  /** Hierarchical rewards (paper v4: alpha_a 1, alpha_c 0.25, no format reward). */
  rewards: RewardWeights;
  /** AdamW learning rate (paper: 5e-6 for 1.5-3B instruct checkpoints; a tiny model from scratch needs more). */
  lr: number;
  /** Global gradient-norm clip (paper: unknown; 1 is the common default). */
  maxGradNorm: number;
  /** AdamW decoupled weight decay (paper: unknown). */
  weightDecay: number;
  /** Longest sampled answer in tokens (paper: 720; a 3-digit worked sum needs ~45 here). */
  maxNewTokens: number;
  /** Rollout temperature (paper: 1.0); the loss takes log-probabilities at this temperature too. */
  temperature: number;
  /**
   * Weight of a KL penalty to the weights training started from (paper: none, 0). Lets the learning
   * rate rise without losing the warm-up's local skill; costs one more forward pass per update.
   */
  klCoef: number;
  /** Sequences per learner micro-batch (gradients accumulate over them; bounds the wasm heap). */
  microBatch: number;
  /**
   * Holds GAPG's training cloud rate at `target` by dual ascent on alpha_c (not in the paper: null).
   * After each update alpha_c += gain * (target - the batch's cloud rate), kept in [0, 0.95 alpha_a]:
   * the fixed alpha_c that keeps a run at its budget depends on how well the model already answers
   * the easy prompts, which changes as it trains. The baselines keep their rewards fixed.
   */
  budgetControl: { target: number; gain: number } | null;
  /** Nucleus sampling (paper: 1, off). Only 1 is accepted: the loss's log-probabilities have no truncation. */
  topP: number;
  seed: number;
}

export const DEFAULT_GAPG: GapgConfig = {
  method: "gapg",
  groupSize: 8,
  promptsPerBatch: 16,
  steps: 60,
  rho: 3 / 7,
  rewards: DEFAULT_REWARDS,
  lr: 5e-4,
  maxGradNorm: 1,
  weightDecay: 0,
  maxNewTokens: 64,
  temperature: 1,
  klCoef: 0,
  microBatch: 64,
  budgetControl: null,
  topP: 1,
  seed: 1,
};

export interface StepLog {
  step: number;
  method: Method;
  rewardMean: number;
  cloudRate: number;
  localAccuracy: number;
  d1: number;
  d2: number;
  kept: number;
  loss: number;
  gradNorm: number;
  skipped: boolean;
  stepSeconds: number;
  /** Of which: sampling and scoring the rollouts, and the learner's forward/backward/update. */
  rolloutSeconds: number;
  learnerSeconds: number;
  /** Tokens sampled in the rollouts, and tokens (prompt + completion) the learner ran on. */
  rolloutTokens: number;
  learnerTokens: number;
  /** The cloud reward this step's rollouts were scored with (moves under `budgetControl`). */
  alphaC: number;
  /** Per prompt category: the sampled cloud rate and the advantage offloads got (category-steps.ts). */
  byCategory?: Record<string, CategoryStep>;
}

export interface CheckpointOptions {
  dir: string;
  /** Write a checkpoint every this many steps (and after the last). */
  every: number;
  /** Continue from the checkpoint in `dir` when there is one. */
  resume: boolean;
}

const totalLength = (s: Sequence) => s.prompt.length + s.completion.length;

export async function trainGapg(
  policy: Policy,
  task: Task,
  oracle: CloudOracle,
  train: readonly TaskExample[],
  config: GapgConfig,
  onStep: (log: StepLog) => void = () => {},
  checkpoint?: CheckpointOptions,
): Promise<StepLog[]> {
  if (config.topP !== 1)
    throw new Error(
      `topP ${config.topP} is not supported for training: the policy gradient's log-probabilities are those of untruncated sampling (use topP 1).`,
    );
  const optimizer = new AdamW(policy.trainable, {
    ...DEFAULT_ADAMW,
    lr: config.lr,
    maxGradNorm: config.maxGradNorm,
    weightDecay: config.weightDecay,
  });
  // The reference for the KL penalty: the weights as they are when training starts (with adapters,
  // the frozen base itself).
  const reference =
    config.klCoef === 0
      ? undefined
      : policy.adapters
        ? policy.params
        : new Map([...policy.params].map(([k, v]) => [k, tf.variable(v.clone(), false, `reference/${k}`)]));
  const advantageMode: AdvantageMode = config.method === "collab-aware" ? "grpo" : "gapg";
  let logs: StepLog[] = [];
  let cursor = 0;
  let first = 1;
  let rng = createRng(config.seed);
  if (checkpoint?.resume && (await hasCheckpoint(checkpoint.dir))) {
    const state = await loadTrainerCheckpoint(checkpoint.dir, policy.trainable, optimizer);
    // Only the step count may change on resume (to train longer).
    if (JSON.stringify({ ...state.config, steps: 0 }) !== JSON.stringify({ ...config, steps: 0 }))
      throw new Error(`The checkpoint in ${checkpoint.dir} was written with a different configuration.`);
    ({ logs, cursor } = state);
    first = state.step + 1;
    rng = createRng(config.seed, state.rngState);
  }
  const control = config.method === "gapg" ? config.budgetControl : null;
  let rewards = config.rewards;
  const last = logs.at(-1);
  // A resumed run continues from the alpha_c its last step would have handed on.
  if (control && last)
    rewards = {
      ...rewards,
      alphaC: nextAlphaC({ ...rewards, alphaC: last.alphaC }, control, last.cloudRate),
    };
  for (let step = first; step <= config.steps; step++) {
    const t0 = performance.now();
    const batch = Array.from({ length: config.promptsPerBatch }, () => train[cursor++ % train.length]!);

    // 1. Sample and score.
    const groups = await rollout(policy, task, oracle, batch, {
      groupSize: config.groupSize,
      maxNewTokens: config.maxNewTokens,
      temperature: config.temperature,
      topP: config.topP,
      rewards,
      banOffload: config.method === "task-only",
      seed: streamSeed(config.seed, step),
    });

    const rolloutSeconds = (performance.now() - t0) / 1000;
    // 2. Filter: GAPG keeps D1 and at most rho * |D1| of D2; the baselines keep every group.
    const filter =
      config.method === "gapg"
        ? adaptiveFilter(groups, config.rho, () => rng.next())
        : { keep: groups.map((_, i) => i), d1: groups.filter((g) => g.anyLocalCorrect).length, d2: 0 };

    // 3. Advantages within each kept group.
    const sequences: Sequence[] = [];
    const advantages: number[] = [];
    const keptAdvantages = new Map<number, number[]>();
    for (const i of filter.keep) {
      const g = groups[i]!;
      const a = groupAdvantages(
        g.samples.map((s) => s.reward),
        advantageMode,
      );
      keptAdvantages.set(i, a);
      g.samples.forEach((s, k) => {
        if (a[k] === 0) return;
        sequences.push({ prompt: g.promptIds, completion: s.completion.ids });
        advantages.push(a[k]!);
      });
    }

    // 4. One policy-gradient update on the kept samples.
    let result = { loss: 0, gradNorm: 0, applied: false };
    if (sequences.length > 0) {
      // Micro-batches of similar lengths (little padding); their losses sum to the batch's loss.
      const order = sequences
        .map((_, k) => k)
        .sort((a, b) => totalLength(sequences[a]!) - totalLength(sequences[b]!));
      const chunks = Array.from({ length: Math.ceil(order.length / config.microBatch) }, (_, c) =>
        order.slice(c * config.microBatch, (c + 1) * config.microBatch),
      ).map((idx) => {
        const packed = packBatch(
          idx.map((k) => sequences[k]!),
          policy.padId,
        );
        const referenceLogProbs = reference
          ? tf.tidy(() =>
              tokenLogProbs(
                policy.config,
                reference,
                packed.ids,
                packed.targets,
                undefined,
                config.temperature,
              ),
            )
          : undefined;
        return { packed, advantages: idx.map((k) => advantages[k]!), referenceLogProbs };
      });
      try {
        result = await optimizer.minimize(
          chunks.map(
            (c) => () =>
              policyGradientLoss(
                policy.config,
                policy.params,
                c.packed,
                c.advantages,
                {
                  normaliser: config.promptsPerBatch * config.groupSize,
                  temperature: config.temperature,
                  ...(c.referenceLogProbs
                    ? { kl: { coef: config.klCoef, referenceLogProbs: c.referenceLogProbs } }
                    : {}),
                },
                policy.adapters,
              ),
          ),
        );
      } finally {
        for (const c of chunks) {
          c.packed.dispose();
          c.referenceLogProbs?.dispose();
        }
      }
    }

    const all = groups.flatMap((g) => g.samples);
    const local = all.filter((s) => s.outcome.kind === "local");
    const log: StepLog = {
      step,
      method: config.method,
      rewardMean: all.reduce((a, s) => a + s.reward, 0) / all.length,
      cloudRate: (all.length - local.length) / all.length,
      localAccuracy: local.length
        ? local.filter((s) => s.outcome.kind === "local" && s.outcome.correct).length / local.length
        : 0,
      d1: filter.d1,
      d2: filter.d2,
      kept: filter.keep.length,
      loss: result.loss,
      gradNorm: result.gradNorm,
      skipped: sequences.length > 0 && !result.applied,
      stepSeconds: (performance.now() - t0) / 1000,
      rolloutSeconds,
      learnerSeconds: (performance.now() - t0) / 1000 - rolloutSeconds,
      rolloutTokens: all.reduce((n, s) => n + s.completion.ids.length, 0),
      learnerTokens: sequences.reduce((n, q) => n + totalLength(q), 0),
      alphaC: rewards.alphaC,
      byCategory: categorySteps(groups, keptAdvantages),
    };
    logs.push(log);
    if (control) rewards = { ...rewards, alphaC: nextAlphaC(rewards, control, log.cloudRate) };
    onStep(log);
    if (logs.slice(-5).length === 5 && logs.slice(-5).every((l) => l.skipped)) {
      throw new Error(
        `Training stopped at step ${step}: five updates in a row had a non-finite loss or gradient.`,
      );
    }
    if (checkpoint && (step % checkpoint.every === 0 || step === config.steps))
      await saveTrainerCheckpoint(checkpoint.dir, policy.trainable, optimizer, {
        step,
        cursor,
        rngState: rng.state(),
        config,
        logs,
      });
    await tf.nextFrame();
  }
  if (reference !== policy.params) for (const v of reference?.values() ?? []) v.dispose();
  return logs;
}

/** One dual-ascent step on alpha_c toward the target cloud rate (see `GapgConfig.budgetControl`). */
export function nextAlphaC(
  rewards: RewardWeights,
  control: { target: number; gain: number },
  cloudRate: number,
): number {
  const next = rewards.alphaC + control.gain * (control.target - cloudRate);
  return Math.min(0.95 * rewards.alphaA, Math.max(0, next));
}
