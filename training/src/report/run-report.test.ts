import { describe, expect, it } from "vitest";
import type { MethodRow } from "../eval/methods";
import { METHOD_IDS, METHOD_LABELS } from "../eval/methods";
import { checkTargets, finalCloudRate } from "../eval/targets";
import type { StepLog } from "../gapg/trainer";
import { accuracyVsCloud, askingByCategory, offloadPositions, trainingCurves } from "./plots";
import { categoryTable, meanSpread, resultsTable, targetsList } from "./run-report";

const result = (systemAccuracy: number, cloudRate: number, offloadRecall = 0) => ({
  systemAccuracy,
  cloudRate,
  localAccuracy: 0.9,
  offloadPrecision: 0.8,
  offloadRecall,
  n: 100,
});

const rows = (gapgAccuracy: number): MethodRow[] =>
  METHOD_IDS.map((id) => ({
    id,
    label: METHOD_LABELS[id],
    result:
      id === "gapg"
        ? result(gapgAccuracy, 0.3)
        : id === "gapg-own"
          ? result(gapgAccuracy - 0.02, 0.25)
          : id === "task-only"
            ? result(0.6, 0)
            : id === "oracle"
              ? result(0.9, 0.3)
              : id === "cloud-only"
                ? result(1, 1)
                : result(0.7, 0.3),
    ...(id.startsWith("router") || id.startsWith("gapg") ? { auc: id.startsWith("gapg") ? 0.95 : 0.7 } : {}),
    byCategory: {
      carry: result(0.8, 0.8, id === "gapg" ? 0.75 : 0.3),
      "carry-free": result(0.9, id === "gapg" ? 0.05 : 0.2),
    },
  }));

describe("run report", () => {
  it("shows mean ± standard deviation over seeds, and one value for one seed", () => {
    expect(meanSpread([0.5])).toBe("50.0");
    expect(meanSpread([0.5, 0.7])).toBe("60.0 ± 14.1");
    const table = resultsTable([rows(0.88), rows(0.9)]);
    expect(table).toContain("| GAPG (bias at budget) | 89.0 ± 1.4 | 30.0 ± 0.0 |");
    expect(table).toContain("0.950 ± 0.000");
    expect(categoryTable([rows(0.88)])).toContain(
      "| GAPG (bias at budget) | 5.0 / 0.0 / 90.0 | 80.0 / 75.0 / 80.0 |",
    );
  });

  it("checks the targets against the measured values", () => {
    const checks = checkTargets(rows(0.88), 0.3, { gapg: 0.32, "collab-aware": 0.7 });
    const holds = (start: string) => checks.find((c) => c.target.startsWith(start))!.holds;
    expect(holds("GAPG's own decision")).toBe(true);
    expect(holds("GAPG at the 30.0% budget")).toBe(true); // 88 >= 70 + 9.5
    expect(holds("GAPG reaches")).toBe(true); // (88 - 60) / (90 - 60) = 93%
    expect(holds("GAPG's AUC")).toBe(true);
    expect(holds("Carry sums")).toBe(true);
    expect(holds("Carry-free sums")).toBe(true);
    expect(holds("Collaboration-aware")).toBe(true);
    expect(holds("GAPG's training cloud rate")).toBe(true);
    const weak = checkTargets(rows(0.75), 0.3, undefined);
    expect(weak.find((c) => c.target.startsWith("GAPG at the"))!.holds).toBe(false);
    expect(targetsList(weak)).toMatch(
      /❌ not met: GAPG at the 30.0% budget .* \(measured 75.0% vs 70.0%; the oracle at the budget: 90.0%\)/,
    );
    const strongRouter = rows(0.88).map((r) =>
      r.id === "router-model" ? { ...r, result: result(0.85, 0.3) } : r,
    );
    expect(targetsList(checkTargets(strongRouter, 0.3, undefined))).toContain(
      "(measured 88.0% vs 85.0%; the oracle at the budget: 90.0%, so no decider can reach the margin on this data)",
    );
  });

  it("averages the last training steps' cloud rate", () => {
    const logs = [0.9, 0.1, 0.2, 0.3].map((cloudRate, i) => ({ step: i + 1, cloudRate }) as StepLog);
    expect(finalCloudRate(logs, 3)).toBeCloseTo(0.2);
  });

  it("draws the plots as SVG with full legend labels", async () => {
    const logs = {
      gapg: [1, 2, 3].map(
        (step) => ({ step, rewardMean: 0.5, cloudRate: 0.3, localAccuracy: 0.8 }) as StepLog,
      ),
    };
    expect(await trainingCurves(logs)).toContain("<svg");
    // Logs from before the per-category record draw no asking plot; with it, every category is in the legend.
    expect(askingByCategory(logs)).toBeUndefined();
    const byCategory = {
      "carry-free": { prompts: 11, cloudRate: 0.2, offloadAdvantage: -0.2 },
      carry: { prompts: 4, cloudRate: 0.3, offloadAdvantage: null },
    };
    const asking = await askingByCategory({
      "gapg (seed 1)": logs.gapg.map((s) => ({ ...s, byCategory })),
      "task-only (seed 1)": logs.gapg.map((s) => ({ ...s, byCategory: { hard: byCategory.carry } })),
    });
    expect(asking).toContain(">carry-free<");
    expect(asking).toContain(">carry<");
    expect(asking).not.toContain(">hard<");
    const curves = await accuracyVsCloud(
      [
        {
          method: "TT + Router B (tiny model classifier)",
          cloudRate: 0.3,
          systemAccuracy: 0.7,
          kind: "sweep",
          budget: 0.3,
        },
        { method: "Cloud only", cloudRate: 1, systemAccuracy: 1, kind: "point" },
      ],
      0.3,
    );
    expect(curves).toContain("TT + Router B (tiny model classifier)");
    expect(
      await offloadPositions([{ decision: "GAPG (bias at budget)", category: "carry", position: 5 }]),
    ).toContain("<svg");
  });
});
