import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { METHOD_IDS, METHOD_LABELS, type MethodRow } from "../eval/methods";
import { type RunResults, writeReport } from "./write-report";

const result = (systemAccuracy: number, cloudRate: number) => ({
  systemAccuracy,
  cloudRate,
  localAccuracy: 0.9,
  offloadPrecision: 0.8,
  offloadRecall: 0.5,
  n: 100,
});

const rows = (categories: readonly string[]): MethodRow[] =>
  METHOD_IDS.map((id) => ({
    id,
    label: METHOD_LABELS[id],
    result: result(id === "gapg" ? 0.91 : 0.8, 0.3),
    byCategory: Object.fromEntries(categories.map((c) => [c, result(0.9, 0.2)])),
  }));

const run = (seed: number, independent: boolean): RunResults => ({
  seed,
  budget: 0.3,
  gapgBias: 1.4,
  rows: rows(["carry", "carry-free", "hard"]),
  curves: [],
  trainingCloudRate: { gapg: 0.35, "collab-aware": 0.3 },
  wallMinutes: 30,
  ...(independent
    ? {
        independent: {
          prompts: 590 + seed,
          rows: rows(["carry-free", "one carry", "several carries", "hard"]),
        },
      }
    : {}),
});

describe("a run's report", () => {
  let dir = "";
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("shows the independent test set, carries counted per column, when every seed has it", async () => {
    dir = await mkdtemp(join(tmpdir(), "report-"));
    const report = await writeReport(dir, [run(1, true), run(2, true)], {}, "two seeds");
    expect(report).toContain("## On independently drawn sums");
    expect(report).toContain("591-592 sums drawn uniformly");
    expect(report).toContain(
      "| method | carry-free: cloud % / fails offloaded % / accuracy % | one carry: cloud % / fails offloaded % / accuracy % | several carries: cloud % / fails offloaded % / accuracy % | hard: cloud % / fails offloaded % / accuracy % |",
    );
    expect(await readFile(join(dir, "report.md"), "utf8")).toBe(report);
  });

  it("leaves the section out when a seed ran before it was recorded", async () => {
    dir = await mkdtemp(join(tmpdir(), "report-"));
    const report = await writeReport(dir, [run(1, true), run(2, false)], {}, "mixed");
    expect(report).not.toContain("independently drawn");
  });
});
