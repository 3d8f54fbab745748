/**
 * The paper-style results table: every method at one cloud budget, from each model's outcomes on
 * the same test prompts and the thresholds calibrated on training prompts (run-folder.ts).
 */

import { type EvalResult, type PromptOutcome, score } from "./evaluate";
import { routerFromWeights } from "./router-baseline";
import type { RunCalibration, RunModel } from "./run-folder";

export interface MethodRow {
  method: string;
  result: EvalResult;
}

export function methodRows(
  outcomes: Readonly<Record<RunModel, readonly PromptOutcome[]>>,
  calibration: RunCalibration,
  promptIds: (r: PromptOutcome) => readonly number[],
): MethodRow[] {
  const router = routerFromWeights(calibration.router.weights);
  const taskOnly = outcomes["task-only"];
  const tuned = (["collab-aware", "gapg"] as const).flatMap((model) => {
    const name = model === "gapg" ? "GAPG" : "Collaboration-Aware Tuning";
    return [
      { method: `${name} (own decision)`, result: score(outcomes[model], { kind: "model" }) },
      {
        method: `${name} (offload bias at the budget)`,
        result: score(outcomes[model], {
          kind: "threshold",
          threshold: calibration.marginThresholds[model],
          score: (r) => r.offloadMargin,
        }),
      },
    ];
  });
  return [
    { method: "Warm-up only (own decision)", result: score(outcomes["warm-up"], { kind: "model" }) },
    { method: "Task-Tuning Only", result: score(taskOnly, { kind: "never" }) },
    {
      method: "TT + Random offloading",
      result: score(taskOnly, { kind: "random", rate: calibration.budget, seed: calibration.seed }),
    },
    {
      method: "TT + Router",
      result: score(taskOnly, {
        kind: "threshold",
        threshold: calibration.router.threshold,
        score: (r) => router.score(promptIds(r)),
      }),
    },
    ...tuned,
    { method: "Cloud only", result: score(taskOnly, { kind: "always" }) },
  ];
}

/** Share of the accuracy gap between task-tuning only and cloud only that a row closes. */
export function gapClosed(rows: readonly MethodRow[], method: string): number {
  const find = (name: string) => {
    const row = rows.find((r) => r.method === name);
    if (!row) throw new Error(`No "${name}" row in the results.`);
    return row.result.systemAccuracy;
  };
  const floor = find("Task-Tuning Only");
  return (find(method) - floor) / (find("Cloud only") - floor);
}

export function resultsTable(rows: readonly MethodRow[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}`;
  return [
    "| method | system accuracy % | cloud calls % | local accuracy % | offload precision % | offload recall % |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      ({ method, result: r }) =>
        `| ${method} | ${pct(r.systemAccuracy)} | ${pct(r.cloudRate)} | ${pct(r.localAccuracy)} | ${pct(r.offloadPrecision)} | ${pct(r.offloadRecall)} |`,
    ),
  ].join("\n");
}
