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
import { createRng } from "../tasks/rng";
import type { Task, TaskExample } from "../tasks/types";
import { type AdvantageMode, groupAdvantages } from "./advantages";
import { adaptiveFilter } from "./filtering";
import type { Policy } from "./policy";
import { DEFAULT_REWARDS, type RewardWeights } from "./rewards";
import { rollout } from "./rollout";

export type Method = "gapg" | "collab-aware" | "task-only";

export interface GapgConfig {
  /** gapg | collab-aware (GRPO advantages, no filter) | task-only (never offloads). */
  method: Method;
  /** Completions sampled per prompt (G). */
  groupSize: number;
  /** Prompts per batch. */
  promptsPerBatch: number;
  /** Policy updates (one per fresh batch). */
  steps: number;
  /** Cloud budget: at most rho * |D1| help-request prompts per update (3/7 = 30% of prompts). */
  rho: number;
  rewards: RewardWeights;
  lr: number;
  maxGradNorm: number;
  weightDecay: number;
  maxNewTokens: number;
  /** Rollout temperature (paper: 1.0). */
  temperature: number;
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
  maxNewTokens: 40,
  temperature: 1,
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
}

export interface CheckpointOptions {
  dir: string;
  /** Write a checkpoint every this many steps (and after the last). */
  every: number;
  /** Continue from the checkpoint in `dir` when there is one. */
  resume: boolean;
}

export async function trainGapg(
  policy: Policy,
  task: Task,
  oracle: CloudOracle,
  train: readonly TaskExample[],
  config: GapgConfig,
  onStep: (log: StepLog) => void = () => {},
  checkpoint?: CheckpointOptions,
): Promise<StepLog[]> {
  const optimizer = new AdamW(policy.params, {
    ...DEFAULT_ADAMW,
    lr: config.lr,
    maxGradNorm: config.maxGradNorm,
    weightDecay: config.weightDecay,
  });
  const advantageMode: AdvantageMode = config.method === "collab-aware" ? "grpo" : "gapg";
  let logs: StepLog[] = [];
  let cursor = 0;
  let first = 1;
  let rng = createRng(config.seed);
  if (checkpoint?.resume && (await hasCheckpoint(checkpoint.dir))) {
    const state = await loadTrainerCheckpoint(checkpoint.dir, policy.params, optimizer);
    // Only the step count may change on resume (to train longer).
    if (JSON.stringify({ ...state.config, steps: 0 }) !== JSON.stringify({ ...config, steps: 0 }))
      throw new Error(`The checkpoint in ${checkpoint.dir} was written with a different configuration.`);
    ({ logs, cursor } = state);
    first = state.step + 1;
    rng = createRng(config.seed, state.rngState);
  }
  for (let step = first; step <= config.steps; step++) {
    const t0 = performance.now();
    const batch = Array.from({ length: config.promptsPerBatch }, () => train[cursor++ % train.length]!);

    // 1. Sample and score.
    const groups = await rollout(policy, task, oracle, batch, {
      groupSize: config.groupSize,
      maxNewTokens: config.maxNewTokens,
      temperature: config.temperature,
      topP: config.topP,
      rewards: config.rewards,
      banOffload: config.method === "task-only",
      seed: config.seed * 7919 + step,
    });

    // 2. Filter: GAPG keeps D1 and at most rho * |D1| of D2; the baselines keep every group.
    const filter =
      config.method === "gapg"
        ? adaptiveFilter(groups, config.rho, () => rng.next())
        : { keep: groups.map((_, i) => i), d1: groups.filter((g) => g.anyLocalCorrect).length, d2: 0 };

    // 3. Advantages within each kept group.
    const sequences: Sequence[] = [];
    const advantages: number[] = [];
    for (const i of filter.keep) {
      const g = groups[i]!;
      const a = groupAdvantages(
        g.samples.map((s) => s.reward),
        advantageMode,
      );
      g.samples.forEach((s, k) => {
        if (a[k] === 0) return;
        sequences.push({ prompt: g.promptIds, completion: s.completion.ids });
        advantages.push(a[k]!);
      });
    }

    // 4. One policy-gradient update on the kept samples.
    let result = { loss: 0, gradNorm: 0, applied: false };
    if (sequences.length > 0) {
      const packed = packBatch(sequences, policy.padId);
      try {
        result = optimizer.minimize(() =>
          policyGradientLoss(
            policy.config,
            policy.params,
            packed,
            advantages,
            Math.max(1, filter.keep.length),
          ),
        );
      } finally {
        packed.dispose();
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
    };
    logs.push(log);
    onStep(log);
    if (logs.slice(-5).length === 5 && logs.slice(-5).every((l) => l.skipped)) {
      throw new Error(
        `Training stopped at step ${step}: five updates in a row had a non-finite loss or gradient.`,
      );
    }
    if (checkpoint && (step % checkpoint.every === 0 || step === config.steps))
      await saveTrainerCheckpoint(checkpoint.dir, policy.params, optimizer, {
        step,
        cursor,
        rngState: rng.state(),
        config,
        logs,
      });
    await tf.nextFrame();
  }
  return logs;
}
