/**
 * The trainer's wiring, with a scripted sampler in place of the model's sampling: every completion
 * is chosen by the test, so the step's rewards, filter counts, advantages and update follow from the
 * script alone (the learning itself is tested in gapg-learning.test.ts).
 */

import { beforeAll, describe, expect, it } from "vitest";
import type { CloudOracle } from "../cloud/oracle";
import { policyExportModel } from "../export/export-model";
import { tf, useBackend } from "../model/backend";
import { PRESETS, type Qwen2Config } from "../model/config";
import { initLora, mergedWeight } from "../model/lora";
import { initParams } from "../model/qwen2";
import type { GroupSampleOptions, Sampler, SamplerModel } from "../rollout/sampler";
import { workedSolution } from "../tasks/arithmetic";
import { taskFor } from "../tasks/index";
import { OFFLOAD_TOKEN, solutionCompletion } from "../tasks/prompt-format";
import { generateSumMix, sumCategory } from "../tasks/sum-mix";
import { trainTaskTokenizer } from "../tasks/task-tokenizer";
import type { TaskExample } from "../tasks/types";
import { Policy } from "./policy";
import { DEFAULT_GAPG, type GapgConfig, nextAlphaC, trainGapg } from "./trainer";

// Three prompts the model solves sometimes (D1) and one it never does (D2).
const data = generateSumMix(60, 1);
const D1 = data.filter((e) => sumCategory(e.question) === "carry-free").slice(0, 3);
const HARD = data.find((e) => sumCategory(e.question) === "carry")!;
const G = 4;

/** The cloud: always right. */
const oracle: CloudOracle = {
  answer: async (q) => `<answer>${[...D1, HARD].find((e) => e.question === q)!.answer}</answer>`,
};

/** Per question, the G completions it returns (as text), in order; records what it was asked. */
class ScriptedSampler implements Sampler {
  calls: GroupSampleOptions[] = [];
  models: SamplerModel[] = [];
  constructor(
    private readonly policy: () => Policy,
    private readonly script: (e: TaskExample) => string[],
  ) {}
  async sample(): Promise<number[][]> {
    throw new Error("the trainer samples groups");
  }
  async sampleGroups(
    model: SamplerModel,
    prompts: ReadonlyArray<readonly number[]>,
    options: GroupSampleOptions,
  ): Promise<number[][][]> {
    this.calls.push(options);
    this.models.push(model);
    const p = this.policy();
    return prompts.map((ids) => {
      const e = [...D1, HARD].find((x) => p.promptIds(x).join() === ids.join())!;
      return this.script(e).map((text) => p.tokenizer.encode(text));
    });
  }
  async dispose(): Promise<void> {}
}

const right = (e: TaskExample) => `${solutionCompletion(e, workedSolution(e))}<|im_end|>`;
const wrong = (e: TaskExample) => `${solutionCompletion({ ...e, answer: "1" }, "")}<|im_end|>`;

let config: Qwen2Config;
let tokenizerSource: TaskExample[];
beforeAll(async () => {
  await useBackend("wasm");
  tokenizerSource = [...D1, HARD];
  config = { ...PRESETS.tiny, hiddenSize: 32, intermediateSize: 64, numLayers: 1 };
});

function setup(script: (e: TaskExample) => string[], o: { lora?: boolean } = {}) {
  const tokenizer = trainTaskTokenizer(tokenizerSource, workedSolution, 300);
  const c = { ...config, vocabSize: tokenizer.vocabSize };
  let policy: Policy | undefined;
  const sampler = new ScriptedSampler(() => policy!, script);
  const params = initParams(c, 7);
  const adapters = o.lora
    ? initLora(c, params, { rank: 2, alpha: 4, targets: ["q_proj", "v_proj"] }, 3)
    : undefined;
  policy = new Policy(c, params, tokenizer, adapters);
  policy.sampler = sampler;
  return { policy, sampler };
}

const base: GapgConfig = {
  ...DEFAULT_GAPG,
  steps: 1,
  promptsPerBatch: 4,
  groupSize: G,
  lr: 1e-3,
  maxNewTokens: 64,
};
const snapshot = (p: Policy) => [...p.params.values()].map((v) => Array.from(v.dataSync()));
const changed = (a: number[][], b: number[][]) => a.some((row, i) => row.some((x, j) => x !== b[i]![j]));

describe("GAPG trainer wiring", () => {
  it("scores, filters D1/D2 and updates from the script's rewards", async () => {
    // D1 prompts: 2 right, 1 wrong, 1 offload; the hard prompt: 2 wrong, 2 offload.
    const { policy, sampler } = setup((e) =>
      e === HARD
        ? [wrong(e), OFFLOAD_TOKEN, wrong(e), OFFLOAD_TOKEN]
        : [right(e), right(e), wrong(e), OFFLOAD_TOKEN],
    );
    const before = snapshot(policy);
    const [log] = await trainGapg(policy, taskFor("arithmetic"), oracle, [...D1, HARD], base);
    // rho 3/7 of |D1| = 3 allows one D2 prompt.
    expect(log).toMatchObject({ d1: 3, d2: 1, kept: 4, skipped: false });
    // Rewards (1 / 0.25 / 0): D1 groups 2 + 0.25, the hard group 0.5, over 16 samples.
    expect(log!.rewardMean).toBeCloseTo((3 * 2.25 + 0.5) / 16, 10);
    expect(log!.cloudRate).toBeCloseTo(5 / 16, 10);
    expect(log!.localAccuracy).toBeCloseTo(6 / 11, 10);
    // Per category, the advantage each offload got, x G/(G-1): on carry-free prompts 0.25 - 2.25/4 (asking
    // is pushed down), on the carry prompt 0.25 - 0.5/4 (pushed up).
    expect(log!.byCategory!["carry-free"]).toEqual({
      prompts: 3,
      cloudRate: 1 / 4,
      offloadAdvantage: expect.closeTo(((0.25 - 2.25 / 4) * G) / (G - 1), 10),
    });
    expect(log!.byCategory!.carry).toEqual({
      prompts: 1,
      cloudRate: 2 / 4,
      offloadAdvantage: expect.closeTo(((0.25 - 0.5 / 4) * G) / (G - 1), 10),
    });
    expect(changed(before, snapshot(policy))).toBe(true);
    // Sampled with the offload token allowed, one seed per prompt.
    expect(sampler.calls[0]!.bannedIds).toBeUndefined();
    expect(new Set(sampler.calls[0]!.seeds).size).toBe(4);
  });

  it("makes no update when every group's rewards are equal (zero advantages)", async () => {
    const { policy } = setup((e) => Array.from({ length: G }, () => right(e)));
    const before = snapshot(policy);
    const [log] = await trainGapg(policy, taskFor("arithmetic"), oracle, [...D1, HARD], base);
    expect(log!.loss).toBe(0);
    expect(changed(before, snapshot(policy))).toBe(false);
  });

  it("task-only tuning bans the offload token; no D2 cap for the baselines", async () => {
    const { policy, sampler } = setup((e) =>
      e === HARD ? [wrong(e), wrong(e), wrong(e), wrong(e)] : [right(e), wrong(e), right(e), wrong(e)],
    );
    await trainGapg(policy, taskFor("arithmetic"), oracle, [...D1, HARD], { ...base, method: "task-only" });
    expect(sampler.calls[0]!.bannedIds).toEqual([policy.tokenizer.idOf(OFFLOAD_TOKEN)]);
    const collab = setup((e) =>
      e === HARD ? [wrong(e), OFFLOAD_TOKEN, wrong(e), wrong(e)] : [right(e), wrong(e), right(e), right(e)],
    );
    const [log] = await trainGapg(collab.policy, taskFor("arithmetic"), oracle, [...D1, HARD], {
      ...base,
      method: "collab-aware",
    });
    expect(log).toMatchObject({ kept: 4, d2: 0 });
  });

  it("budget control moves alpha_c toward the target cloud rate, for GAPG only", async () => {
    const script = (e: TaskExample) =>
      e === HARD
        ? [wrong(e), OFFLOAD_TOKEN, wrong(e), OFFLOAD_TOKEN]
        : [right(e), right(e), wrong(e), OFFLOAD_TOKEN];
    const control = { target: 0.1, gain: 0.4 };
    const run = (method: GapgConfig["method"]) =>
      trainGapg(setup(script).policy, taskFor("arithmetic"), oracle, [...D1, HARD], {
        ...base,
        steps: 3,
        method,
        budgetControl: control,
      });
    // Every step offloads 5 of 16 samples, 21 points over the target: alpha_c falls 0.4 x 0.2125 a step.
    const logs = await run("gapg");
    expect(logs.map((l) => l.alphaC)).toEqual([0.25, 0.165, 0.08].map((x) => expect.closeTo(x, 10)));
    // The rewards of step 3 are scored with its alpha_c: D1 groups 2 + 0.08, the hard group 2 x 0.08.
    expect(logs[2]!.rewardMean).toBeCloseTo((3 * 2.08 + 0.16) / 16, 10);
    expect((await run("collab-aware")).map((l) => l.alphaC)).toEqual([0.25, 0.25, 0.25]);
  });

  it("keeps alpha_c between 0 and 0.95 alpha_a", () => {
    const w = { alphaA: 1, alphaC: 0.5, alphaF: 0 };
    expect(nextAlphaC(w, { target: 0.3, gain: 0.1 }, 0.5)).toBeCloseTo(0.48, 10);
    expect(nextAlphaC(w, { target: 0.3, gain: 10 }, 1)).toBe(0);
    expect(nextAlphaC(w, { target: 0.3, gain: 10 }, 0)).toBe(0.95);
  });

  it("with LoRA adapters, updates only them, samples with them and exports them merged", async () => {
    const { policy, sampler } = setup(
      (e) =>
        e === HARD
          ? [wrong(e), OFFLOAD_TOKEN, wrong(e), OFFLOAD_TOKEN]
          : [right(e), right(e), wrong(e), OFFLOAD_TOKEN],
      { lora: true },
    );
    const frozen = snapshot(policy);
    const adapters = [...policy.adapters!.variables.values()].map((v) => Array.from(v.dataSync()));
    const [log] = await trainGapg(policy, taskFor("arithmetic"), oracle, [...D1, HARD], base);
    expect(log!.skipped).toBe(false);
    expect(sampler.models[0]!.adapters).toBe(policy.adapters);
    expect(changed(frozen, snapshot(policy))).toBe(false);
    const after = [...policy.adapters!.variables.values()].map((v) => Array.from(v.dataSync()));
    expect(changed(adapters, after)).toBe(true);
    // The export merges W + scale * B @ A as it reads each adapted weight.
    const q = "model.layers.0.self_attn.q_proj.weight";
    const exported = policyExportModel(policy.config, policy.params, policy.tokenizer, policy.adapters);
    const merged = tf.tidy(() => mergedWeight(policy.params.get(q)!, policy.adapters!.update(q)!));
    expect(Array.from(await exported.weights.read(q))).toEqual(Array.from(merged.dataSync()));
    merged.dispose();
    expect(
      changed([Array.from(await exported.weights.read(q))], [frozen[[...policy.params.keys()].indexOf(q)]!]),
    ).toBe(true);
  });
});
