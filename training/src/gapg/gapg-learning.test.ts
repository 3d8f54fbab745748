/**
 * The short learning run (about 2 minutes): a tiny model warmed up on one-digit sums (which it
 * memorises) meets hard multi-operand expressions (which it cannot do), then 60 GAPG steps with
 * llama.cpp rollouts at temperature 1. Learning must show: the sampled reward rises on a fixed set
 * of training prompts, the offload decision moves onto the prompts the local model fails, and local
 * skill is kept. The cloud is the project's fake Anthropic server (it stands in for Anthropic's
 * API and solves arithmetic exactly).
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "../../../e2e/fixtures/fake-cloud/server";
import { AnthropicOracle } from "../cloud/oracle";
import { useBackend } from "../model/backend";
import { PRESETS } from "../model/config";
import { LlamaCppRollouts } from "../model/llama-cpp-sampler";
import { initParams } from "../model/qwen2";
import { generateArithmetic, workedSolution } from "../tasks/arithmetic";
import { taskFor } from "../tasks/index";
import { createRng } from "../tasks/rng";
import { trainTaskTokenizer } from "../tasks/task-tokenizer";
import type { TaskExample } from "../tasks/types";
import { outcomes } from "./evaluate";
import { Policy } from "./policy";
import { rollout } from "./rollout";
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

/** Area under the ROC curve of the offload margin as a predictor of a local failure. */
function failureAuc(results: Awaited<ReturnType<typeof outcomes>>): number {
  const fail = results.filter((r) => !r.localCorrect);
  const ok = results.filter((r) => r.localCorrect);
  let wins = 0;
  for (const f of fail) for (const k of ok) wins += f.offloadMargin > k.offloadMargin ? 1 : 0;
  return wins / (fail.length * ok.length);
}

describe("GAPG short run", () => {
  it("raises the reward, moves offloads onto the prompts the model fails, keeps local skill", async () => {
    const easy = generateArithmetic(600, 11, { digits: [1, 1], operands: [2, 2], operators: ["+"] });
    const hard = generateArithmetic(30, 12, 5);
    const unique = new Map([...easy, ...hard].map((e) => [e.question, e]));
    const train: TaskExample[] = createRng(13).shuffle([...unique.values()]);
    const tokenizer = trainTaskTokenizer(train, workedSolution, 340);
    const config = { ...PRESETS.tiny, vocabSize: tokenizer.vocabSize, hiddenSize: 64, intermediateSize: 192 };
    const policy = new Policy(config, initParams(config, 11), tokenizer);
    policy.llamaCpp = await LlamaCppRollouts.create(DEFAULT_GAPG.groupSize);
    try {
      const sums = train.filter((e) => e.difficulty === undefined);
      await warmup(policy, sums, workedSolution, {
        steps: 400,
        batchSize: 32,
        lr: 5e-3,
        offloadShare: 0.25,
        seed: 11,
      });

      const task = taskFor("arithmetic");
      const probe = train.slice(0, 64);
      const measure = async () => {
        const groups = await rollout(policy, task, oracle, probe, {
          groupSize: 8,
          maxNewTokens: 40,
          temperature: 1,
          rewards: DEFAULT_GAPG.rewards,
          banOffload: false,
          seed: 99,
        });
        const samples = groups.flatMap((g) => g.samples);
        const greedy = await outcomes(policy, task, oracle, probe, 40);
        return {
          reward: samples.reduce((a, s) => a + s.reward, 0) / samples.length,
          localAccuracy: greedy.filter((r) => r.localCorrect).length / greedy.length,
          auc: failureAuc(greedy),
        };
      };
      const before = await measure();
      await trainGapg(policy, task, oracle, train, {
        ...DEFAULT_GAPG,
        steps: 60,
        promptsPerBatch: 8,
        lr: 1e-4,
      });
      const after = await measure();
      console.log(`GAPG short run: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);

      expect(after.reward).toBeGreaterThan(before.reward + 0.02);
      expect(after.auc).toBeGreaterThan(before.auc + 0.2);
      expect(after.auc).toBeGreaterThan(0.6);
      expect(after.localAccuracy).toBeGreaterThanOrEqual(before.localAccuracy - 0.05);
    } finally {
      await policy.llamaCpp.dispose();
      for (const v of policy.params.values()) v.dispose();
    }
  }, 300_000);
});
