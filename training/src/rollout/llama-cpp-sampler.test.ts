import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Policy } from "../gapg/policy";
import { tf, useBackend } from "../model/backend";
import { PRESETS } from "../model/config";
import { packBatch } from "../model/policy-loss";
import { initParams, sequenceLogProbs } from "../model/qwen2";
import { markWeightsChanged } from "../model/weights-version";
import { generateArithmetic, workedSolution } from "../tasks/arithmetic";
import { trainTaskTokenizer } from "../tasks/task-tokenizer";
import { LlamaCppSampler } from "./llama-cpp-sampler";
import { tfjsSampler } from "./tfjs-sampler";

let llamaCpp: LlamaCppSampler;
let policy: Policy;
const example = generateArithmetic(1, 3, 1)[0]!;

beforeAll(async () => {
  await useBackend("wasm");
  const tokenizer = trainTaskTokenizer(generateArithmetic(64, 5, [1, 5]), workedSolution, 300);
  const config = { ...PRESETS.tiny, vocabSize: tokenizer.vocabSize, hiddenSize: 32, intermediateSize: 64 };
  // A larger init spreads the logits, so greedy choices are decisive and sampling varies.
  policy = new Policy(config, initParams(config, 4), tokenizer);
  for (const v of policy.params.values()) if (v.shape.length > 1) v.assign(v.mul(10));
  llamaCpp = await LlamaCppSampler.create(4);
});
afterAll(() => llamaCpp.dispose());

const withSampler = async <T>(sampler: Policy["sampler"], run: () => Promise<T>): Promise<T> => {
  policy.sampler = sampler;
  try {
    return await run();
  } finally {
    policy.sampler = tfjsSampler;
  }
};

describe("llama.cpp rollouts", () => {
  it("decodes greedily exactly as the tfjs sampler does, on the same weights, with or without a logit bias", async () => {
    for (const offloadBias of [0, 3]) {
      const options = { samples: 2, maxNewTokens: 24, temperature: 0, seed: 1, offloadBias };
      const tfjs = await policy.sample(example, options);
      const llama = await withSampler(llamaCpp, () => policy.sample(example, options));
      expect(llama.map((c) => c.ids)).toEqual(tfjs.map((c) => c.ids));
    }
  });

  it("asked for GPU rollouts without a GPU binary (npm ci installs none), decodes on the CPU, the same tokens", async (ctx) => {
    const gpu = await LlamaCppSampler.create(2, "gpu");
    try {
      if (gpu.device !== "cpu") ctx.skip(`a GPU build of llama.cpp is installed here (${gpu.device})`);
      const options = { samples: 2, maxNewTokens: 24, temperature: 0, seed: 1 };
      const tfjs = await policy.sample(example, options);
      const llama = await withSampler(gpu, () => policy.sample(example, options));
      expect(llama.map((c) => c.ids)).toEqual(tfjs.map((c) => c.ids));
    } finally {
      await gpu.dispose();
    }
  });

  it("stops at a stop token and never samples a banned one", async () => {
    const options = { samples: 4, maxNewTokens: 30, temperature: 1.5, seed: 2, stopIds: [policy.endId] };
    const free = await llamaCpp.sample(policy, policy.promptIds(example), options);
    // Ban the token these samples use most, so the ban is tested on a token that does come up.
    const counts = new Map<number, number>();
    for (const id of free.flat()) counts.set(id, (counts.get(id) ?? 0) + 1);
    const common = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const sampled = await llamaCpp.sample(policy, policy.promptIds(example), {
      ...options,
      bannedIds: [common],
    });
    for (const ids of sampled) {
      expect(ids).not.toContain(common);
      if (ids.includes(policy.endId)) expect(ids.at(-1)).toBe(policy.endId);
    }
  });

  it("gives sampled tokens the log-probabilities the learner computes (T = 1, f32 KV cache)", async () => {
    const prompt = policy.promptIds(example);
    const [samples] = await llamaCpp.sampleGroupsWithProbabilities(policy, [prompt], {
      samples: 3,
      maxNewTokens: 20,
      temperature: 1,
      seeds: [5],
      stopIds: [policy.endId],
    });
    const packed = packBatch(
      samples!.map((s) => ({ prompt, completion: s.ids })),
      policy.padId,
    );
    try {
      const learner = tf.tidy(() =>
        Array.from(
          sequenceLogProbs(policy.config, policy.params, packed.ids, packed.targets, packed.mask).dataSync(),
        ),
      );
      samples!.forEach((s, i) => {
        const sampler = s.probabilities.reduce((a, p) => a + Math.log(p), 0);
        expect(Math.abs(sampler - learner[i]!)).toBeLessThan(1e-3 * s.ids.length);
      });
    } finally {
      packed.dispose();
    }
  });

  it("samples groups in lockstep reproducibly, whatever the CPU load and the other groups in the batch", async () => {
    const prompts = generateArithmetic(6, 8, [1, 5]).map((e) => policy.promptIds(e));
    const options = {
      samples: 8,
      maxNewTokens: 20,
      temperature: 1,
      seeds: [1, 2, 3, 4, 5, 6],
      stopIds: [policy.endId],
    };
    const first = await llamaCpp.sampleGroups(policy, prompts, options);
    // The same rollout again while another thread keeps a core busy.
    const burner = new Worker("const end = Date.now() + 60000; while (Date.now() < end) {}", { eval: true });
    try {
      const again = await llamaCpp.sampleGroups(policy, prompts, options);
      expect(again).toEqual(first);
    } finally {
      await burner.terminate();
    }
    // Samples differ between seeds and between samples of a group.
    expect(new Set(first.flat().map((ids) => ids.join(","))).size).toBeGreaterThan(40);
    // A prompt's samples do not depend on the other prompts decoded in the same batch.
    const together = await llamaCpp.sampleGroups(policy, prompts, { ...options, samples: 2 });
    for (const [p, prompt] of prompts.entries()) {
      const alone = await llamaCpp.sampleGroups(policy, [prompt], {
        ...options,
        samples: 2,
        seeds: [options.seeds[p]!],
      });
      expect(together[p]).toEqual(alone[0]);
    }
  });

  it("reloads the weights by itself once they change", async () => {
    const greedy = { samples: 1, maxNewTokens: 16, temperature: 0, seed: 0 };
    const old = await withSampler(llamaCpp, () => policy.sample(example, greedy));
    const other = initParams(policy.config, 9);
    for (const [name, v] of policy.params) v.assign(other.get(name)!.mul(v.shape.length > 1 ? 10 : 1));
    for (const v of other.values()) v.dispose();
    markWeightsChanged(policy.params);
    const fresh = await withSampler(llamaCpp, () => policy.sample(example, greedy));
    const tfjs = await policy.sample(example, greedy);
    expect(fresh[0]!.ids).toEqual(tfjs[0]!.ids);
    expect(fresh[0]!.ids).not.toEqual(old[0]!.ids);
  });
});
