/**
 * The learned-offloading targets, checked on one run's rows (or on the mean rows over seeds):
 * what a reader needs to see held or not, with the measured value beside the bar.
 */

import type { StepLog } from "../gapg/trainer";
import { gapClosed, type MethodRow, oracleGainReached, rowOf } from "./methods";

export interface TargetCheck {
  target: string;
  measured: string;
  holds: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Mean cloud-call rate of a method's last `last` training steps. */
export function finalCloudRate(logs: readonly StepLog[], last = 10): number {
  const tail = logs.slice(-last);
  return tail.reduce((s, l) => s + l.cloudRate, 0) / Math.max(1, tail.length);
}

export function checkTargets(
  rows: readonly MethodRow[],
  budget: number,
  training: { gapg: number; "collab-aware": number } | undefined,
): TargetCheck[] {
  const gapg = rowOf(rows, "gapg");
  const own = rowOf(rows, "gapg-own");
  const routers = [rowOf(rows, "router-ngram"), rowOf(rows, "router-model")];
  const bestRouter = Math.max(...routers.map((r) => r.result.systemAccuracy));
  const oracle = rowOf(rows, "oracle").result.systemAccuracy;
  const bestRouterAuc = Math.max(...routers.map((r) => r.auc ?? 0));
  const carry = gapg.byCategory.carry;
  const carryFree = gapg.byCategory["carry-free"];
  const checks: TargetCheck[] = [
    {
      target: "GAPG's own decision (b = 0) calls the cloud on 15-35% of test prompts",
      measured: pct(own.result.cloudRate),
      holds: own.result.cloudRate >= 0.15 && own.result.cloudRate <= 0.35,
    },
    {
      target: `GAPG at the ${pct(budget)} budget >= the better router + 9.5 points`,
      // No decider beats the oracle at the budget: when it is less than 9.5 points above the better
      // router, the margin cannot be reached on this data, and the report says so.
      measured: `${pct(gapg.result.systemAccuracy)} vs ${pct(bestRouter)}; the oracle at the budget: ${pct(oracle)}${
        oracle < bestRouter + 0.095 ? ", so no decider can reach the margin on this data" : ""
      }`,
      holds: gapg.result.systemAccuracy >= bestRouter + 0.095,
    },
    {
      target: "GAPG reaches >= 90% of the oracle's gain over task-only",
      measured: pct(oracleGainReached(rows, "gapg")),
      holds: oracleGainReached(rows, "gapg") >= 0.9,
    },
    {
      target:
        "GAPG closes >= 60% of the task-only -> cloud-only gap (a mix whose hard share fits the budget)",
      measured: pct(gapClosed(rows, "gapg")),
      holds: gapClosed(rows, "gapg") >= 0.6,
    },
    {
      target: "GAPG's AUC for 'local fails' >= 0.9 and above both routers'",
      measured: `${(gapg.auc ?? 0).toFixed(3)} vs ${bestRouterAuc.toFixed(3)}`,
      holds: (gapg.auc ?? 0) >= 0.9 && (gapg.auc ?? 0) > bestRouterAuc,
    },
  ];
  if (carry && carryFree)
    checks.push(
      {
        target: "Carry sums: GAPG offloads >= 70% of those it would get wrong",
        measured: pct(carry.offloadRecall),
        holds: carry.offloadRecall >= 0.7,
      },
      {
        target: "Carry-free sums: GAPG answers >= 90% on the device",
        measured: pct(1 - carryFree.cloudRate),
        holds: 1 - carryFree.cloudRate >= 0.9,
      },
    );
  if (training)
    checks.push(
      {
        target: `Collaboration-aware tuning ends with a training cloud rate >= 2x the budget (${pct(2 * budget)})`,
        measured: pct(training["collab-aware"]),
        holds: training["collab-aware"] >= 2 * budget,
      },
      {
        target: `GAPG's training cloud rate stays within the budget +- 5 points`,
        measured: pct(training.gapg),
        holds: Math.abs(training.gapg - budget) <= 0.05,
      },
    );
  return checks;
}
