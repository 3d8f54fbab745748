/**
 * The training arithmetic, pinned to the last bit. A seed's warm-up is chaotically sensitive to
 * rounding: a change that only reorders floating-point sums (grouped-query attention without tiling)
 * once took seed 2's warm-up from 80% to 100% and seed 3's from 84% to 44%. So the seeds report,
 * the README's figures and the bundled demo model hold for one arithmetic; when this test fails, the
 * change altered it, and they must be regenerated (`npm run pipeline -w training -- --seeds 3`,
 * `npm run make-demo-model`) before the new losses are pinned here.
 */

import { describe, expect, it } from "vitest";
import { useBackend } from "../model/backend";
import { PRESETS } from "../model/config";
import { initParams } from "../model/qwen2";
import { workedSolution } from "../tasks/arithmetic";
import { DEFAULT_SUM_SHAPE, generateSumMix, sumCategory } from "../tasks/sum-mix";
import { trainTaskTokenizer } from "../tasks/task-tokenizer";
import { Policy } from "./policy";
import { warmup } from "./warmup";

describe("training arithmetic", () => {
  it("gives the pinned warm-up losses, bit for bit", async () => {
    await useBackend("wasm");
    const sums = generateSumMix(400, 2, { "carry-free": 1, carry: 0, hard: 0 }, DEFAULT_SUM_SHAPE);
    const tokenizer = trainTaskTokenizer(sums, workedSolution, 320);
    const config = { ...PRESETS.tiny, vocabSize: tokenizer.vocabSize };
    const policy = new Policy(config, initParams(config, 2), tokenizer);
    try {
      const losses = await warmup(
        policy,
        sums.filter((e) => sumCategory(e.question) === "carry-free"),
        workedSolution,
        { steps: 6, batchSize: 16, lr: 3e-3, lrWarmupSteps: 2, offloadShare: 0.25, seed: 2 },
      );
      expect(losses).toEqual(PINNED);
    } finally {
      for (const v of policy.params.values()) v.dispose();
    }
  }, 60_000);
});

/** Measured on the code of the seeds report in the README (commit 12a1ee0). */
const PINNED = [
  5.706023693084717, 5.142359733581543, 4.698893070220947, 4.210053443908691, 3.8377187252044678,
  3.642216444015503,
];
