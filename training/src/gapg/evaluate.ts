/**
 * System evaluation at one cloud budget. Every test prompt is answered greedily; the methods differ
 * only in who decides to ask the cloud:
 * - model: the policy's own <|offload|> (GAPG, collaboration-aware tuning);
 * - never: local only (task-only tuning);
 * - random: local answers, and a random share of prompts sent to the cloud;
 * - router: local answers, and the prompts an external classifier scores hardest sent to the cloud;
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
  | { kind: "router"; rate: number; score: (e: TaskExample) => number };

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
): Promise<PromptOutcome[]> {
  const out: PromptOutcome[] = [];
  for (const example of test) {
    const [free] = await policy.sample(example, { samples: 1, maxNewTokens, temperature: 0, seed: 0 });
    const [banned] = free!.offloaded
      ? await policy.sample(example, { samples: 1, maxNewTokens, temperature: 0, seed: 0, banOffload: true })
      : [free!];
    out.push({
      example,
      modelOffloads: free!.offloaded,
      localCorrect: task.verify(example, banned!.text).correct,
      cloudCorrect: await cloudSolves(task, example, oracle),
    });
  }
  return out;
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
  } else {
    const scores = results.map((r) => decider.score(r.example));
    const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
    const chosen = new Set(order.slice(0, Math.round(decider.rate * n)).map(([, i]) => i));
    offload = results.map((_, i) => chosen.has(i));
  }
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
