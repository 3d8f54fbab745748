/** Sample G completions per prompt and score each with the hierarchical reward. */

import { type CloudOracle, extractCloudAnswer } from "../cloud/oracle";
import type { Completion, Policy } from "../gapg/policy";
import { hierarchicalReward, type Outcome, type RewardWeights } from "../gapg/rewards";
import { streamSeed } from "../tasks/rng";
import type { Task, TaskExample } from "../tasks/types";

export interface ScoredSample {
  completion: Completion;
  outcome: Outcome;
  reward: number;
}

export interface ScoredGroup {
  example: TaskExample;
  promptIds: number[];
  samples: ScoredSample[];
  anyLocalCorrect: boolean;
  cloudCorrect: boolean;
}

/** Whether the cloud answers this example correctly (one cached call per prompt). */
export async function cloudSolves(task: Task, example: TaskExample, oracle: CloudOracle): Promise<boolean> {
  const answer = extractCloudAnswer(await oracle.answer(example.question));
  if (answer === undefined) return false;
  return task.verify(example, `<think></think><answer>${answer}</answer>`).correct;
}

export interface RolloutOptions {
  groupSize: number;
  maxNewTokens: number;
  temperature: number;
  topP?: number;
  rewards: RewardWeights;
  /** Task-only tuning: the offload token is never sampled and asking earns nothing. */
  banOffload: boolean;
  seed: number;
}

export async function rollout(
  policy: Policy,
  task: Task,
  oracle: CloudOracle,
  examples: readonly TaskExample[],
  o: RolloutOptions,
): Promise<ScoredGroup[]> {
  const groups: ScoredGroup[] = [];
  const sampled = await policy.sampleGroups(examples, {
    samples: o.groupSize,
    maxNewTokens: o.maxNewTokens,
    temperature: o.temperature,
    ...(o.topP !== undefined ? { topP: o.topP } : {}),
    seeds: examples.map((_, k) => streamSeed(o.seed, k)),
    banOffload: o.banOffload,
  });
  for (const [k, example] of examples.entries()) {
    const completions = sampled[k]!;
    const cloudCorrect = await cloudSolves(task, example, oracle);
    const samples = completions.map((completion): ScoredSample => {
      const verdict = task.verify(example, completion.text);
      const outcome: Outcome = completion.offloaded
        ? { kind: "offload", cloudCorrect }
        : { kind: "local", correct: verdict.correct, formatOk: verdict.formatOk };
      return { completion, outcome, reward: hierarchicalReward(outcome, o.rewards) };
    });
    groups.push({
      example,
      promptIds: policy.promptIds(example),
      samples,
      anyLocalCorrect: samples.some((s) => s.outcome.kind === "local" && s.outcome.correct),
      cloudCorrect,
    });
  }
  return groups;
}
