/**
 * The short learning run (about 3 minutes) on the invisible-difficulty mix: a small model warmed up
 * on carry-free sums (with <|offload|> placed at random steps, whatever the difficulty) meets carries
 * and products in GAPG, with llama.cpp rollouts at temperature 1. Learning must show: the offload
 * decision moves onto the prompts the local model fails (AUC of the offload score for "local fails"
 * rises well above chance), and local skill is kept. The same run checks the decision rule: greedy
 * decoding with a logit bias b on <|offload|> at every position (what the app's engine does) offloads
 * exactly where the evaluator says it does. The cloud is the project's fake Anthropic server (it
 * stands in for Anthropic's API and solves arithmetic exactly).
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../cloud/fake-anthropic/server";
import { AnthropicOracle } from "../cloud/oracle";
import { auc } from "../eval/auc";
import { offloadPosition, offloadScore } from "../eval/decision";
import { outcomes, type PromptOutcome } from "../eval/outcomes";
import { useBackend } from "../model/backend";
import { PRESETS } from "../model/config";
import { initParams } from "../model/qwen2";
import { LlamaCppSampler } from "../rollout/llama-cpp-sampler";
import { workedSolution } from "../tasks/arithmetic";
import { taskFor } from "../tasks/index";
import { splitBySeed } from "../tasks/splits";
import { generateSumMix, sumCategory } from "../tasks/sum-mix";
import { trainTaskTokenizer } from "../tasks/task-tokenizer";
import { Policy } from "./policy";
import { DEFAULT_GAPG, trainGapg } from "./trainer";
import { warmup } from "./warmup";

const cloud = new FakeCloud({ apiKey: "sk-learning" });
let cacheDir: string;
let oracle: AnthropicOracle;

beforeAll(async () => {
  await useBackend("wasm");
  cacheDir = await mkdtemp(join(tmpdir(), "gapg-learning-"));
  oracle = new AnthropicOracle({
    apiKey: "sk-learning",
    baseURL: await cloud.start(),
    model: "fake",
    cacheDir,
  });
});
afterAll(async () => {
  await cloud.stop();
  await rm(cacheDir, { recursive: true, force: true });
});

const failureAuc = (results: readonly PromptOutcome[]) =>
  auc(
    results.map(offloadScore),
    results.map((r) => !r.localCorrect),
  );
const carryFreeAccuracy = (results: readonly PromptOutcome[]) => {
  const free = results.filter((r) => sumCategory(r.example.question) === "carry-free");
  return free.filter((r) => r.localCorrect).length / free.length;
};

describe("GAPG short run", () => {
  it("moves offloads onto the prompts the model fails, keeps local skill, and decides as the app does", async () => {
    // More hard and carry prompts than the pipeline's default mix: a short run needs D2 groups often.
    // Two-digit sums: shorter answers, learned in a warm-up that fits CI's time.
    const mix = { "carry-free": 0.45, carry: 0.25, hard: 0.3 };
    const { train, test } = splitBySeed(
      // The matched core only (no natural carries, no two-operand products): the figures below were measured on it.
      generateSumMix(2000, 11, mix, {
        digits: [2, 2],
        sameLength: true,
        naturalCarryShare: 0,
        productShare: 0,
      }),
      0.1,
      11,
    );
    const tokenizer = trainTaskTokenizer(train, workedSolution, 340);
    const config = { ...PRESETS.tiny, vocabSize: tokenizer.vocabSize };
    const policy = new Policy(config, initParams(config, 11), tokenizer);
    const sampler = await LlamaCppSampler.create(DEFAULT_GAPG.groupSize);
    policy.sampler = sampler;
    try {
      const carryFree = train.filter((e) => sumCategory(e.question) === "carry-free");
      await warmup(policy, carryFree, workedSolution, {
        steps: 400,
        batchSize: 16,
        lr: 3e-3,
        lrWarmupSteps: 40,
        offloadShare: 0.25,
        seed: 11,
      });
      const task = taskFor("arithmetic");
      const probe = test.slice(0, 100);
      const before = await outcomes(policy, task, oracle, probe, 64);
      await trainGapg(policy, task, oracle, train, {
        ...DEFAULT_GAPG,
        steps: 15,
        promptsPerBatch: 16,
        lr: 3e-4,
        seed: 11,
      });
      const after = await outcomes(policy, task, oracle, probe, 64);
      const summary = (r: readonly PromptOutcome[]) => ({
        auc: failureAuc(r).toFixed(3),
        hardVsCarryFree: auc(
          r.filter((o) => sumCategory(o.example.question) !== "carry").map(offloadScore),
          r
            .filter((o) => sumCategory(o.example.question) !== "carry")
            .map((o) => sumCategory(o.example.question) === "hard"),
        ).toFixed(3),
        carryFree: carryFreeAccuracy(r).toFixed(2),
        ownCloud: (r.filter((o) => offloadScore(o) > 0).length / r.length).toFixed(2),
      });
      console.log(
        `GAPG short run: before ${JSON.stringify(summary(before))}, after ${JSON.stringify(summary(after))}`,
      );

      // Measured (the run is deterministic: seeded data, tfjs, lockstep llama.cpp sampling): AUC
      // 0.666 -> 0.903 after 15 GAPG steps at lr 3e-4, carry-free accuracy 1.00 -> 1.00. Shorter runs
      // to fit CI's 3 minutes learned less: 20 steps at 2e-4 gave 0.942 (the run before this one), 14
      // at 2.5e-4 0.841, 15 steps of 12 prompts at 3e-4 0.875, 20 of 12 at 2.5e-4 0.890; a 340-step
      // warm-up 0.476 -> 0.625. The bars leave margin under 0.903.
      expect(failureAuc(after)).toBeGreaterThan(failureAuc(before) + 0.2);
      expect(failureAuc(after)).toBeGreaterThan(0.85);
      expect(carryFreeAccuracy(after)).toBeGreaterThanOrEqual(carryFreeAccuracy(before) - 0.05);

      // The decision rule: decode with bias b at every position, as the app's engine does, and compare
      // with the evaluator's prediction from the banned answer's margins (near-ties left out).
      const scores = after.map(offloadScore).sort((a, b) => a - b);
      for (const bias of [0, -scores[Math.floor(0.7 * scores.length)]!]) {
        const decided = after.filter((o) => !o.margins.some((m) => Math.abs(m + bias) < 0.05));
        const decoded = await policy.sampleGroups(
          decided.map((o) => o.example),
          { samples: 1, maxNewTokens: 64, temperature: 0, seeds: decided.map(() => 0), offloadBias: bias },
        );
        decided.forEach((o, i) => {
          const [completion] = decoded[i]!;
          const position = offloadPosition(o, bias);
          expect(completion!.offloaded).toBe(position !== undefined);
          if (position !== undefined) expect(completion!.ids.length).toBe(position + 1);
        });
        expect(decided.length).toBeGreaterThan(0.9 * after.length);
      }
    } finally {
      await sampler.dispose();
      for (const v of policy.params.values()) v.dispose();
    }
  }, 600_000);
});
