/**
 * System evaluation at one cloud budget. Every test prompt is answered greedily; the methods differ
 * only in who decides to ask the cloud:
 * - model: the policy's own <|offload|> (GAPG, collaboration-aware tuning);
 * - never: local only (task-only tuning);
 * - random: local answers, and a random share of prompts sent to the cloud;
 * - threshold: prompts whose score is above a threshold go to the cloud. With an external
 *   classifier's score this is the router baseline; with the policy's own offload margin it is the
 *   model deciding with a logit bias on <|offload|> (see Policy.offloadMargin). Either threshold is
 *   calibrated on training prompts to the budget (budgetThreshold), never on the test set;
 * - always: cloud only (the upper bound).
 * Offload precision/recall compare the offloaded prompts with those the local model gets wrong.
 */

import type { CloudOracle } from "../cloud/oracle";
import { createRng } from "../tasks/rng";
import type { Task, TaskExample } from "../tasks/types";
import type { Policy } from "./policy";
import { cloudSolves } from "./rollout";

export type Decider =
  | { kind: "model" }
  | { kind: "never" }
  | { kind: "always" }
  | { kind: "random"; rate: number; seed: number }
  | { kind: "threshold"; threshold: number; score: (r: PromptOutcome) => number };

export interface EvalResult {
  systemAccuracy: number;
  cloudRate: number;
  /** Accuracy of the answers given on the device. */
  localAccuracy: number;
  offloadPrecision: number;
  offloadRecall: number;
  n: number;
}

export interface PromptOutcome {
  example: TaskExample;
  /** The model's own greedy answer asked for the cloud. */
  modelOffloads: boolean;
  /** The policy's offload logit margin at the first position (Policy.offloadMargin). */
  offloadMargin: number;
  /** Greedy answer with the offload token banned is correct. */
  localCorrect: boolean;
  cloudCorrect: boolean;
}

/** Decodes every prompt once (with and without the offload token allowed) and asks the cloud once. */
export async function outcomes(
  policy: Policy,
  task: Task,
  oracle: CloudOracle,
  test: readonly TaskExample[],
  maxNewTokens: number,
  onPrompt: (done: number, total: number) => void = () => {},
): Promise<PromptOutcome[]> {
  const out: PromptOutcome[] = [];
  await policy.syncSampler();
  for (const example of test) {
    const [free] = await policy.sample(example, { samples: 1, maxNewTokens, temperature: 0, seed: 0 });
    const [banned] = free!.offloaded
      ? await policy.sample(example, { samples: 1, maxNewTokens, temperature: 0, seed: 0, banOffload: true })
      : [free!];
    out.push({
      example,
      modelOffloads: free!.offloaded,
      offloadMargin: policy.offloadMargin(example),
      localCorrect: task.verify(example, banned!.text).correct,
      cloudCorrect: await cloudSolves(task, example, oracle),
    });
    onPrompt(out.length, test.length);
  }
  return out;
}

/** The threshold above which a share `rate` of these (training-prompt) scores lies. */
export function budgetThreshold(scores: readonly number[], rate: number): number {
  if (scores.length === 0) throw new Error("Calibrating a threshold needs at least one score.");
  const sorted = [...scores].sort((a, b) => b - a);
  const k = Math.round(rate * sorted.length);
  if (k <= 0) return sorted[0]!;
  if (k >= sorted.length) return sorted[sorted.length - 1]! - 1;
  // Midway between the last score in and the first out, so a prompt on the boundary is not ambiguous.
  return (sorted[k - 1]! + sorted[k]!) / 2;
}

export function score(results: readonly PromptOutcome[], decider: Decider): EvalResult {
  const n = results.length;
  let offload: boolean[];
  if (decider.kind === "model") offload = results.map((r) => r.modelOffloads);
  else if (decider.kind === "never") offload = results.map(() => false);
  else if (decider.kind === "always") offload = results.map(() => true);
  else if (decider.kind === "random") {
    const rng = createRng(decider.seed);
    offload = results.map(() => rng.next() < decider.rate);
  } else offload = results.map((r) => decider.score(r) > decider.threshold);
  let correct = 0;
  let localAnswered = 0;
  let localRight = 0;
  let truePositive = 0;
  let wouldFail = 0;
  results.forEach((r, i) => {
    const off = offload[i]!;
    if (off ? r.cloudCorrect : r.localCorrect) correct++;
    if (!off) {
      localAnswered++;
      if (r.localCorrect) localRight++;
    }
    if (!r.localCorrect) wouldFail++;
    if (off && !r.localCorrect) truePositive++;
  });
  const offloaded = offload.filter(Boolean).length;
  return {
    systemAccuracy: correct / n,
    cloudRate: offloaded / n,
    localAccuracy: localAnswered ? localRight / localAnswered : 0,
    offloadPrecision: offloaded ? truePositive / offloaded : 0,
    offloadRecall: wouldFail ? truePositive / wouldFail : 0,
    n,
  };
}
