/**
 * Statistics charts drawn with Vega-Lite (the same library as the training reports). Vega runs
 * with its expression interpreter so the page's CSP needs no 'unsafe-eval'.
 */

import { useEffect, useRef } from "react";
import { parse, type Spec, View } from "vega";
import { expressionInterpreter } from "vega-interpreter";
import { compile, type TopLevelSpec } from "vega-lite";
import type { DayRow } from "./route-stats";

function routesSpec(days: DayRow[]): TopLevelSpec {
  const rows = days.flatMap((d) => [
    { day: d.day, route: "on device", turns: d.local },
    { day: d.day, route: "on device (cloud declined)", turns: d.declined },
    { day: d.day, route: "cloud", turns: d.cloud },
    { day: d.day, route: "cloud failed", turns: d.failed },
  ]);
  return {
    title: "Turns per day by route",
    height: 160,
    data: { values: rows },
    mark: "bar",
    encoding: {
      x: { field: "day", type: "ordinal", title: null },
      y: { field: "turns", type: "quantitative", stack: "normalize", title: "share of turns" },
      color: {
        field: "route",
        type: "nominal",
        scale: {
          domain: ["on device", "on device (cloud declined)", "cloud", "cloud failed"],
          range: ["#16a34a", "#86efac", "#7c3aed", "#dc2626"],
        },
      },
      tooltip: [{ field: "day" }, { field: "route" }, { field: "turns" }],
    },
  };
}

function costSpec(days: DayRow[]): TopLevelSpec {
  let spent = 0;
  let always = 0;
  const rows = days.flatMap((d) => {
    spent += d.costUsd;
    always += d.alwaysCloudCostUsd;
    return [
      { day: d.day, series: "Tandem (spent)", usd: spent },
      { day: d.day, series: "always cloud (estimated)", usd: always },
    ];
  });
  return {
    title: "Cumulative cloud cost (USD)",
    height: 160,
    data: { values: rows },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "day", type: "ordinal", title: null },
      y: { field: "usd", type: "quantitative", title: "USD" },
      color: { field: "series", type: "nominal", title: null },
    },
  };
}

function tokensSpec(days: DayRow[]): TopLevelSpec {
  return {
    title: "Cloud tokens per day",
    height: 120,
    data: { values: days },
    mark: "bar",
    encoding: {
      x: { field: "day", type: "ordinal", title: null },
      y: { field: "cloudTokens", type: "quantitative", title: "tokens" },
      color: { value: "#7c3aed" },
    },
  };
}

function Chart({ spec, label }: { spec: TopLevelSpec; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Legends and axes take about 12rem; the plot gets the rest of the panel's width.
    const width = Math.max(160, el.clientWidth - 190);
    const view = new View(
      parse(compile({ ...spec, width } as TopLevelSpec).spec as Spec, undefined, { ast: true }),
      {
        expr: expressionInterpreter,
        renderer: "svg",
        container: el,
        hover: true,
      },
    );
    void view.runAsync();
    return () => {
      view.finalize();
    };
  }, [spec]);
  return (
    <figure className="chart" role="img" aria-label={label}>
      <div ref={ref} />
    </figure>
  );
}

export default function StatsCharts({ days }: { days: DayRow[] }) {
  return (
    <>
      <Chart spec={routesSpec(days)} label="Share of turns per day answered on device and in the cloud" />
      <Chart spec={costSpec(days)} label="Cumulative cloud cost against always using the cloud" />
      <Chart spec={tokensSpec(days)} label="Cloud tokens per day" />
    </>
  );
}
