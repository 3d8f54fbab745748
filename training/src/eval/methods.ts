/**
 * Every method at one cloud budget, on the same test prompts. The methods differ only in who
 * decides to ask the cloud, and every threshold is calibrated on validation prompts that RL never
 * trained on (never on the test set):
 * - task-only: the task-tuned model answers everything;
 * - random: task-only, a random share of prompts to the cloud (mean over many draws);
 * - router A / router B: task-only, the prompts a router scores highest to the cloud;
 * - oracle: task-only, exactly the prompts it fails, up to the budget (the ceiling for any router);
 * - collaboration-aware tuning and GAPG: the model's own <|offload|>, anywhere in its answer, with a
 *   logit bias b at the budget (decision.ts), and with b = 0 (its own decision, budget-free);
 * - cloud only.
 */

import { createRng } from "../tasks/rng";
import type { TaskExample } from "../tasks/types";
import { auc } from "./auc";
import { budgetThreshold, offloadPosition, offloadScore } from "./decision";
import type { PromptOutcome } from "./outcomes";
import { type EvalResult, meanResult, systemResult } from "./system-result";

export const METHOD_IDS = [
  "warm-up",
  "task-only",
  "random",
  "router-ngram",
  "router-model",
  "oracle",
  "collab-aware",
  "collab-aware-own",
  "gapg",
  "gapg-own",
  "cloud-only",
] as const;
export type MethodId = (typeof METHOD_IDS)[number];

export const METHOD_LABELS: Readonly<Record<MethodId, string>> = {
  "warm-up": "Warm-up only (own decision)",
  "task-only": "Task-Tuning Only",
  random: "TT + Random offloading",
  "router-ngram": "TT + Router A (n-gram classifier)",
  "router-model": "TT + Router B (tiny model classifier)",
  oracle: "TT + Oracle (ceiling)",
  "collab-aware": "Collaboration-Aware Tuning (bias at budget)",
  "collab-aware-own": "Collaboration-Aware Tuning (own decision)",
  gapg: "GAPG (bias at budget)",
  "gapg-own": "GAPG (own decision)",
  "cloud-only": "Cloud only",
};

/** Methods whose cloud rate follows the budget (the others are one point whatever the budget). */
export const BUDGETED: ReadonlySet<MethodId> = new Set([
  "random",
  "router-ngram",
  "router-model",
  "oracle",
  "collab-aware",
  "gapg",
]);

/** Score lists that threshold a decision: on the validation prompts (calibration) and on the test prompts. */
export interface Scores {
  validation: readonly number[];
  test: readonly number[];
}

export interface MethodInputs {
  /** Each model's outcomes on the same test prompts, in the same order. */
  test: Readonly<Record<"warm-up" | "task-only" | "collab-aware" | "gapg", readonly PromptOutcome[]>>;
  /** Offload scores of the offloading models on the validation prompts (offloadScore). */
  validation: Readonly<Record<"collab-aware" | "gapg", readonly number[]>>;
  routers: Readonly<Record<"router-ngram" | "router-model", Scores>>;
  /** Draws that random offloading is averaged over. */
  randomDraws: number;
  seed: number;
  /** Category of a prompt for the breakdown (e.g. carry-free / carry / hard). */
  category: (e: TaskExample) => string;
}

export interface MethodRow {
  id: MethodId;
  label: string;
  result: EvalResult;
  /** AUC of the decider's score for "the local model fails this prompt" (score-based deciders). */
  auc?: number;
  /** Results per prompt category. */
  byCategory: Record<string, EvalResult>;
  /** For the model's offloads: the answer position of each (how far into its reasoning it asked). */
  offloadPositions?: Array<{ category: string; position: number }>;
}

const above = (scores: readonly number[], threshold: number) => scores.map((s) => s > threshold);

function oracleOffloads(outcomes: readonly PromptOutcome[], budget: number, seed: number): boolean[] {
  const failing = createRng(seed).shuffle(outcomes.flatMap((o, i) => (o.localCorrect ? [] : [i])));
  // Fails the cloud can fix first: the oracle knows both answers.
  failing.sort((a, b) => Number(outcomes[b]!.cloudCorrect) - Number(outcomes[a]!.cloudCorrect));
  const chosen = new Set(failing.slice(0, Math.floor(budget * outcomes.length)));
  return outcomes.map((_, i) => chosen.has(i));
}

export function methodRows(inputs: MethodInputs, budget: number): MethodRow[] {
  const taskOnly = inputs.test["task-only"];
  const row = (
    id: MethodId,
    outcomes: readonly PromptOutcome[],
    offload: readonly boolean[],
    extra: Partial<MethodRow> = {},
  ): MethodRow => {
    const byCategory: Record<string, EvalResult> = {};
    for (const c of new Set(outcomes.map((o) => inputs.category(o.example)))) {
      const idx = outcomes.flatMap((o, i) => (inputs.category(o.example) === c ? [i] : []));
      byCategory[c] = systemResult(
        idx.map((i) => outcomes[i]!),
        idx.map((i) => offload[i]!),
      );
    }
    return { id, label: METHOD_LABELS[id], result: systemResult(outcomes, offload), byCategory, ...extra };
  };
  const failing = (outcomes: readonly PromptOutcome[]) => outcomes.map((o) => !o.localCorrect);
  const modelRows = (id: "collab-aware" | "gapg") => {
    const outcomes = inputs.test[id];
    const scores = outcomes.map(offloadScore);
    const bias = -budgetThreshold(inputs.validation[id], budget);
    const positions = (b: number) =>
      outcomes.flatMap((o) => {
        const position = offloadPosition(o, b);
        return position === undefined ? [] : [{ category: inputs.category(o.example), position }];
      });
    const common = { auc: auc(scores, failing(outcomes)) };
    return [
      row(id, outcomes, above(scores, -bias), { ...common, offloadPositions: positions(bias) }),
      row(`${id}-own`, outcomes, above(scores, 0), { ...common, offloadPositions: positions(0) }),
    ];
  };
  const routerRow = (id: "router-ngram" | "router-model") => {
    const { validation, test } = inputs.routers[id];
    return row(id, taskOnly, above(test, budgetThreshold(validation, budget)), {
      auc: auc(test, failing(taskOnly)),
    });
  };
  const randomDraws = Array.from({ length: inputs.randomDraws }, (_, d) => {
    const rng = createRng(inputs.seed * 1000 + d);
    return taskOnly.map(() => rng.next() < budget);
  });
  const random = row("random", taskOnly, randomDraws[0]!);
  const draws = randomDraws.map((offload) => row("random", taskOnly, offload));
  random.result = meanResult(draws.map((d) => d.result));
  for (const c of Object.keys(random.byCategory))
    random.byCategory[c] = meanResult(draws.map((d) => d.byCategory[c]!));
  const warm = inputs.test["warm-up"];
  return [
    row("warm-up", warm, above(warm.map(offloadScore), 0)),
    row(
      "task-only",
      taskOnly,
      taskOnly.map(() => false),
    ),
    random,
    routerRow("router-ngram"),
    routerRow("router-model"),
    row("oracle", taskOnly, oracleOffloads(taskOnly, budget, inputs.seed)),
    ...modelRows("collab-aware"),
    ...modelRows("gapg"),
    row(
      "cloud-only",
      taskOnly,
      taskOnly.map(() => true),
    ),
  ];
}

export const rowOf = (rows: readonly MethodRow[], id: MethodId): MethodRow => {
  const r = rows.find((x) => x.id === id);
  if (!r) throw new Error(`No ${id} row in the results.`);
  return r;
};

/** Share of the accuracy gap between task-tuning only and cloud only that a method closes. */
export function gapClosed(rows: readonly MethodRow[], id: MethodId): number {
  const floor = rowOf(rows, "task-only").result.systemAccuracy;
  return (
    (rowOf(rows, id).result.systemAccuracy - floor) /
    (rowOf(rows, "cloud-only").result.systemAccuracy - floor)
  );
}

/** Share of the oracle's gain over task-tuning only that a method reaches. */
export function oracleGainReached(rows: readonly MethodRow[], id: MethodId): number {
  const floor = rowOf(rows, "task-only").result.systemAccuracy;
  return (
    (rowOf(rows, id).result.systemAccuracy - floor) / (rowOf(rows, "oracle").result.systemAccuracy - floor)
  );
}
