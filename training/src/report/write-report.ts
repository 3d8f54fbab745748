/**
 * A run's report folder: report.md (table, per-category breakdown, targets) and its plots, from one
 * or several seeds' results (mean ± spread over seeds).
 */

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MethodRow } from "../eval/methods";
import { checkTargets } from "../eval/targets";
import type { StepLog } from "../gapg/trainer";
import { type CodeVersion, codeLine } from "./code-version";
import {
  accuracyVsCloud,
  askingByCategory,
  type CurvePoint,
  offloadPositions,
  trainingCurves,
} from "./plots";
import { categoryTable, meanSpread, resultsTable, targetsList } from "./run-report";

/** What one seed's run leaves in results.json. */
export interface RunResults {
  seed: number;
  budget: number;
  gapgBias: number;
  rows: MethodRow[];
  curves: CurvePoint[];
  /** Mean training cloud rate of the last steps, per offloading method. */
  trainingCloudRate: { gapg: number; "collab-aware": number };
  wallMinutes: number;
  /** Absent in runs made before it was recorded. */
  code?: CodeVersion;
  /** Every method on the independent test set (pipeline.ts independentTestSet); absent in older runs. */
  independent?: { prompts: number; rows: MethodRow[] };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Rows whose numbers are the mean over seeds (for the target checks). */
function meanRows(runs: readonly RunResults[]): MethodRow[] {
  return runs[0]!.rows.map((row, i) => {
    const all = runs.map((r) => r.rows[i]!);
    const avg = <T extends Record<string, number>>(items: readonly T[]): T =>
      Object.fromEntries(Object.keys(items[0]!).map((k) => [k, mean(items.map((x) => x[k]!))])) as T;
    const byCategory = Object.fromEntries(
      Object.keys(row.byCategory).map((c) => [c, avg(all.map((r) => r.byCategory[c]! as never))]),
    );
    return {
      ...row,
      result: avg(all.map((r) => r.result as never)),
      byCategory,
      ...(row.auc !== undefined ? { auc: mean(all.map((r) => r.auc!)) } : {}),
    };
  });
}

/** Sweep points averaged over seeds, per method and budget. */
function meanCurves(runs: readonly RunResults[]): CurvePoint[] {
  return runs[0]!.curves.map((p, i) => {
    const all = runs.map((r) => r.curves[i]!);
    return {
      ...p,
      cloudRate: mean(all.map((q) => q.cloudRate)),
      systemAccuracy: mean(all.map((q) => q.systemAccuracy)),
    };
  });
}

/** The methods on independently drawn sums, carries counted per column; nothing when a run lacks them. */
function independentSection(runs: readonly RunResults[]): string[] {
  const independent = runs.map((r) => r.independent);
  if (!independent.every((i) => i !== undefined)) return [];
  const counts = independent.map((i) => i.prompts);
  return [
    "## On independently drawn sums",
    "",
    `${[...new Set([Math.min(...counts), Math.max(...counts)])].join("-")} sums drawn uniformly (2-3 digits, a tenth two-digit products), none of them a training or validation prompt of the run; each method keeps the bias and thresholds calibrated on the run's own validation prompts.`,
    "",
    resultsTable(independent.map((i) => i.rows)),
    "",
    categoryTable(independent.map((i) => i.rows)),
    "",
  ];
}

export async function writeReport(
  outDir: string,
  runs: readonly RunResults[],
  logs: Record<string, readonly StepLog[]>,
  title: string,
): Promise<string> {
  const budget = runs[0]!.budget;
  const rows = meanRows(runs);
  const training = {
    gapg: mean(runs.map((r) => r.trainingCloudRate.gapg)),
    "collab-aware": mean(runs.map((r) => r.trainingCloudRate["collab-aware"])),
  };
  const positions = runs.flatMap((r) =>
    r.rows
      .filter((row) => row.id === "gapg" || row.id === "gapg-own")
      .flatMap((row) =>
        (row.offloadPositions ?? []).map((p) => ({
          decision: row.label,
          category: p.category,
          position: p.position,
        })),
      ),
  );
  await writeFile(join(outDir, "training-curves.svg"), await trainingCurves(logs));
  await writeFile(join(outDir, "accuracy-vs-cloud.svg"), await accuracyVsCloud(meanCurves(runs), budget));
  await writeFile(join(outDir, "offload-positions.svg"), await offloadPositions(positions));
  const asking = await askingByCategory(logs);
  if (asking) await writeFile(join(outDir, "asking-by-category.svg"), asking);
  const seeds = runs.map((r) => r.seed);
  const report = [
    `# ${title}`,
    "",
    `Seeds ${seeds.join(", ")}${runs.length > 1 ? " (mean ± standard deviation over seeds)" : ""}; cloud budget ${(100 * budget).toFixed(0)}% of prompts; GAPG's offload bias at the budget: ${meanSpread(
      runs.map((r) => r.gapgBias),
      (x) => x.toFixed(2),
    )}. Wall time per seed: ${meanSpread(
      runs.map((r) => r.wallMinutes),
      (x) => `${x.toFixed(1)} min`,
    )}. ${codeLine(runs)}`,
    "",
    resultsTable(runs.map((r) => r.rows)),
    "",
    "## By category",
    "",
    categoryTable(runs.map((r) => r.rows)),
    "",
    ...independentSection(runs),
    "## Targets",
    "",
    targetsList(checkTargets(rows, budget, training)),
    "",
    "![training curves](training-curves.svg)",
    "",
    "![system accuracy vs cloud-call rate](accuracy-vs-cloud.svg)",
    "",
    "![where in its answer GAPG offloads](offload-positions.svg)",
    "",
    ...(asking ? ["![GAPG's asking per prompt category during training](asking-by-category.svg)", ""] : []),
  ].join("\n");
  await writeFile(join(outDir, "report.md"), report);
  return report;
}
