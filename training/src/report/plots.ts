/**
 * Run plots as SVG, drawn with Vega-Lite:
 * - training curves per method (reward, cloud-call rate, local accuracy), a rolling mean over the
 *   faint raw values;
 * - system accuracy against cloud-call rate for every method over a sweep of budgets;
 * - where in its answer the model offloads (answer position), per prompt category;
 * - GAPG's asking per prompt category during training: where each update pushes it.
 */

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { StepLog } from "../gapg/trainer";

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const legend = { labelLimit: 0, titleLimit: 0 };
// tableau20 pairs a dark and a light shade of each hue, so 11 methods stay distinguishable but
// neighbours look alike; a few series (3 methods, or 3 methods x 3 seeds) get ten distinct hues.
const manySeries = { scheme: "tableau20" };
const fewSeries = { scheme: "tableau10" };

/**
 * One panel per `metric` over update steps: a line per `series` (coloured by `colorField`), its
 * rolling mean of `smoothing` steps drawn over the faint raw values.
 */
function smoothedPanels(
  values: ReadonlyArray<Record<string, string | number>>,
  o: { colorField: string; colorTitle: string; series: string[]; smoothing: number; width: number },
): Promise<string> {
  const x = { field: "step", type: "quantitative" as const, title: "update step", axis: { tickMinStep: 1 } };
  // Opaque legend swatches: the faint raw-value lines would otherwise set them.
  const color = {
    field: o.colorField,
    type: "nominal" as const,
    title: o.colorTitle,
    legend: { ...legend, symbolOpacity: 1, symbolStrokeWidth: 2 },
    scale: fewSeries,
  };
  const detail = o.series.map((field) => ({ field, type: "nominal" as const }));
  return toSvg({
    data: { values: [...values] },
    facet: { column: { field: "metric", type: "nominal", title: null, header: { labelLimit: 0 } } },
    spec: {
      width: o.width,
      height: 180,
      transform: [
        {
          window: [{ op: "mean", field: "value", as: "smoothed" }],
          frame: [-(o.smoothing - 1), 0],
          groupby: [...o.series, "metric"],
          sort: [{ field: "step" }],
        },
      ],
      layer: [
        {
          mark: { type: "line", strokeWidth: 2 },
          encoding: {
            x,
            y: {
              field: "smoothed",
              type: "quantitative",
              title: `value (rolling mean of ${o.smoothing} steps)`,
            },
            color,
            detail,
          },
        },
        {
          mark: { type: "line", opacity: 0.2, strokeWidth: 1 },
          encoding: { x, y: { field: "value", type: "quantitative", title: null }, color, detail },
        },
      ],
    },
    resolve: { scale: { y: "independent" } },
  });
}

export function trainingCurves(logs: Record<string, readonly StepLog[]>, smoothing = 10): Promise<string> {
  const values = Object.entries(logs).flatMap(([method, steps]) =>
    steps.flatMap((s) => [
      { method, step: s.step, metric: "reward (mean per sample)", value: s.rewardMean },
      { method, step: s.step, metric: "cloud-call rate (share of samples)", value: s.cloudRate },
      { method, step: s.step, metric: "local accuracy (share of local answers)", value: s.localAccuracy },
    ]),
  );
  return smoothedPanels(values, {
    colorField: "method",
    colorTitle: "method",
    series: ["method"],
    smoothing,
    width: 260,
  });
}

/**
 * GAPG's sampled cloud rate and the mean advantage of its kept offloads, per prompt category and
 * update (StepLog.byCategory), one line per run; undefined for logs from before it was recorded.
 */
export function askingByCategory(
  logs: Record<string, readonly StepLog[]>,
  smoothing = 10,
): Promise<string> | undefined {
  const values = Object.entries(logs)
    .filter(([run]) => run.startsWith("gapg"))
    .flatMap(([run, steps]) =>
      steps.flatMap((s) =>
        Object.entries(s.byCategory ?? {}).flatMap(([category, c]) => [
          { run, category, step: s.step, metric: "cloud-call rate (share of samples)", value: c.cloudRate },
          ...(c.offloadAdvantage === null
            ? []
            : [
                {
                  run,
                  category,
                  step: s.step,
                  metric: "mean advantage of kept offloads (reward units; > 0 pushes toward asking)",
                  value: c.offloadAdvantage,
                },
              ]),
        ]),
      ),
    );
  if (values.length === 0) return undefined;
  return smoothedPanels(values, {
    colorField: "category",
    colorTitle: "prompt category (GAPG)",
    series: ["run", "category"],
    smoothing,
    width: 300,
  });
}

export interface CurvePoint {
  method: string;
  cloudRate: number;
  systemAccuracy: number;
  /** A budget sweep (a line) or one operating point (a dot). */
  kind: "sweep" | "point";
  /** The budget a sweep point was calibrated for. */
  budget?: number;
}

export function accuracyVsCloud(points: readonly CurvePoint[], budget: number): Promise<string> {
  const x = {
    field: "cloudRate",
    type: "quantitative" as const,
    title: "cloud-call rate (share of test prompts)",
    axis: { format: "%" },
    scale: { domain: [0, 1] },
  };
  const y = {
    field: "systemAccuracy",
    type: "quantitative" as const,
    title: "system accuracy (share of test prompts)",
    axis: { format: "%" },
    scale: { zero: false },
  };
  const color = { field: "method", type: "nominal" as const, legend, scale: manySeries };
  return toSvg({
    width: 480,
    height: 340,
    data: { values: [...points] },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'sweep'" }],
        mark: { type: "line", point: true },
        encoding: { x, y, color, order: { field: "cloudRate" } },
      },
      {
        transform: [{ filter: "datum.kind === 'point'" }],
        mark: { type: "point", filled: true, size: 110, shape: "diamond" },
        encoding: { x, y, color },
      },
      {
        data: { values: [{ budget }] },
        mark: { type: "rule", strokeDash: [4, 4] },
        encoding: { x: { field: "budget", type: "quantitative" } },
      },
    ],
  });
}

export function offloadPositions(
  values: ReadonlyArray<{ decision: string; category: string; position: number }>,
): Promise<string> {
  return toSvg({
    data: { values: [...values] },
    facet: { column: { field: "decision", type: "nominal", title: null, header: { labelLimit: 0 } } },
    spec: {
      width: 300,
      height: 180,
      mark: "bar",
      encoding: {
        x: {
          field: "position",
          type: "quantitative",
          bin: { step: 2 },
          title: "answer tokens written before the offload (tokens)",
        },
        y: { aggregate: "count", type: "quantitative", title: "offloaded test prompts (count)" },
        color: { field: "category", type: "nominal", legend },
      },
    },
  });
}
