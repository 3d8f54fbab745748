/** Markdown for a run's results: the table at the budget, the per-category breakdown, the targets. */

import type { MethodId, MethodRow } from "../eval/methods";
import type { TargetCheck } from "../eval/targets";

const pct = (x: number) => (100 * x).toFixed(1);

/** Mean and spread of one number over seeds, as "m ± s" (just "m" for one seed). */
export function meanSpread(values: readonly number[], format: (x: number) => string = pct): string {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return format(m);
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
  return `${format(m)} ± ${format(sd)}`;
}

/** The results table; `runs` holds the rows of each seed (one entry for a single run). */
export function resultsTable(runs: ReadonlyArray<readonly MethodRow[]>): string {
  const ids = runs[0]!.map((r) => r.id);
  const of = (id: MethodId) => runs.map((rows) => rows.find((r) => r.id === id)!);
  return [
    "| method | system accuracy % | cloud calls % | local accuracy % | offload precision % | offload recall % | AUC (local fails) |",
    "|---|---|---|---|---|---|---|",
    ...ids.map((id) => {
      const rs = of(id);
      const f = (k: keyof MethodRow["result"]) => meanSpread(rs.map((r) => r.result[k]));
      const auc = rs.every((r) => r.auc !== undefined)
        ? meanSpread(
            rs.map((r) => r.auc!),
            (x) => x.toFixed(3),
          )
        : "";
      return `| ${rs[0]!.label} | ${f("systemAccuracy")} | ${f("cloudRate")} | ${f("localAccuracy")} | ${f("offloadPrecision")} | ${f("offloadRecall")} | ${auc} |`;
    }),
  ].join("\n");
}

const BREAKDOWN: readonly MethodId[] = [
  "task-only",
  "router-ngram",
  "router-model",
  "oracle",
  "collab-aware",
  "gapg",
  "gapg-own",
];

/** Easy to hard: carry-free, carries (fewest first), visibly hard; unknown categories last. */
const CATEGORY_ORDER = ["carry-free", "carry", "one carry", "several carries", "hard"];
const categoryRank = (c: string) => {
  const i = CATEGORY_ORDER.indexOf(c);
  return i < 0 ? CATEGORY_ORDER.length : i;
};

/** Per category: the share sent to the cloud, the share of local failures offloaded, and system accuracy. */
export function categoryTable(runs: ReadonlyArray<readonly MethodRow[]>): string {
  const categories = Object.keys(runs[0]!.find((r) => r.id === "gapg")!.byCategory).sort(
    (a, b) => categoryRank(a) - categoryRank(b) || a.localeCompare(b),
  );
  const head = categories.map((c) => `${c}: cloud % / fails offloaded % / accuracy %`);
  return [
    `| method | ${head.join(" | ")} |`,
    `|---|${categories.map(() => "---").join("|")}|`,
    ...BREAKDOWN.map((id) => {
      const rs = runs.map((rows) => rows.find((r) => r.id === id)!);
      const cells = categories.map((c) => {
        const f = (k: "cloudRate" | "offloadRecall" | "systemAccuracy") =>
          meanSpread(rs.map((r) => r.byCategory[c]?.[k] ?? Number.NaN));
        return `${f("cloudRate")} / ${f("offloadRecall")} / ${f("systemAccuracy")}`;
      });
      return `| ${rs[0]!.label} | ${cells.join(" | ")} |`;
    }),
  ].join("\n");
}

export function targetsList(checks: readonly TargetCheck[]): string {
  return checks
    .map((c) => `- ${c.holds ? "✅ holds" : "❌ not met"}: ${c.target} (measured ${c.measured})`)
    .join("\n");
}
