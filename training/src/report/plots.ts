/**
 * Run plots as SVG, drawn with Vega-Lite: reward, cloud rate and local accuracy per training step
 * for every method, and system accuracy against cloud-call rate for every method at the budget.
 */

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { MethodRow } from "../gapg/method-table";
import type { StepLog } from "../gapg/trainer";

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function trainingCurves(logs: Record<string, StepLog[]>): Promise<string> {
  const values = Object.entries(logs).flatMap(([method, steps]) =>
    steps.flatMap((s) => [
      { method, step: s.step, metric: "reward (mean)", value: s.rewardMean },
      { method, step: s.step, metric: "cloud-call rate", value: s.cloudRate },
      { method, step: s.step, metric: "local accuracy", value: s.localAccuracy },
    ]),
  );
  return toSvg({
    data: { values },
    facet: { column: { field: "metric", type: "nominal", title: null } },
    spec: {
      width: 260,
      height: 180,
      mark: { type: "line", point: false },
      encoding: {
        x: { field: "step", type: "quantitative", title: "update step" },
        y: { field: "value", type: "quantitative", title: null },
        color: { field: "method", type: "nominal" },
      },
    },
    resolve: { scale: { y: "independent" } },
  });
}

export function accuracyVsCloud(rows: readonly MethodRow[], budget: number): Promise<string> {
  const values = rows.map((r) => ({
    method: r.method,
    cloud: r.result.cloudRate,
    accuracy: r.result.systemAccuracy,
  }));
  return toSvg({
    width: 420,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: "point", filled: true, size: 90 },
        encoding: {
          x: {
            field: "cloud",
            type: "quantitative",
            title: "cloud-call rate",
            axis: { format: "%" },
            scale: { domain: [0, 1] },
          },
          y: {
            field: "accuracy",
            type: "quantitative",
            title: "system accuracy",
            axis: { format: "%" },
            scale: { domain: [0, 1] },
          },
          color: { field: "method", type: "nominal" },
        },
      },
      {
        data: { values: [{ budget }] },
        mark: { type: "rule", strokeDash: [4, 4] },
        encoding: { x: { field: "budget", type: "quantitative" } },
      },
    ],
  });
}
