import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Policy } from "../gapg/policy";
import { generateArithmetic, workedSolution } from "../tasks/arithmetic";
import { trainTaskTokenizer } from "../tasks/task-tokenizer";
import { useBackend } from "./backend";
import { PRESETS } from "./config";
import { LlamaCppRollouts } from "./llama-cpp-sampler";
import { initParams } from "./qwen2";

let rollouts: LlamaCppRollouts;
let policy: Policy;
const example = generateArithmetic(1, 3, 1)[0]!;

beforeAll(async () => {
  await useBackend("wasm");
  const tokenizer = trainTaskTokenizer(generateArithmetic(64, 5, [1, 5]), workedSolution, 300);
  const config = { ...PRESETS.tiny, vocabSize: tokenizer.vocabSize, hiddenSize: 32, intermediateSize: 64 };
  // A larger init spreads the logits, so greedy choices are decisive and sampling varies.
  policy = new Policy(config, initParams(config, 4), tokenizer);
  for (const v of policy.params.values()) if (v.shape.length > 1) v.assign(v.mul(10));
  rollouts = await LlamaCppRollouts.create(4);
});
afterAll(() => rollouts.dispose());

describe("llama.cpp rollouts", () => {
  it("decodes greedily exactly as the tfjs sampler does, on the same weights", async () => {
    const tfjs = await policy.sample(example, { samples: 2, maxNewTokens: 24, temperature: 0, seed: 1 });
    policy.llamaCpp = rollouts;
    await policy.syncSampler();
    const llama = await policy.sample(example, { samples: 2, maxNewTokens: 24, temperature: 0, seed: 1 });
    policy.llamaCpp = undefined;
    expect(llama.map((c) => c.ids)).toEqual(tfjs.map((c) => c.ids));
  });

  it("stops at a stop token and never samples a banned one", async () => {
    policy.llamaCpp = rollouts;
    await policy.syncSampler();
    const options = { samples: 4, maxNewTokens: 30, temperature: 1.5, seed: 2, stopIds: [policy.endId] };
    const free = await rollouts.sample(policy.promptIds(example), options);
    // Ban the token these samples use most, so the ban is tested on a token that does come up.
    const counts = new Map<number, number>();
    for (const id of free.flat()) counts.set(id, (counts.get(id) ?? 0) + 1);
    const common = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const sampled = await rollouts.sample(policy.promptIds(example), { ...options, bannedIds: [common] });
    for (const ids of sampled) {
      expect(ids).not.toContain(common);
      if (ids.includes(policy.endId)) expect(ids.at(-1)).toBe(policy.endId);
    }
    policy.llamaCpp = undefined;
  });

  it("samples the new weights after a sync", async () => {
    policy.llamaCpp = rollouts;
    await policy.syncSampler();
    const old = await policy.sample(example, { samples: 1, maxNewTokens: 16, temperature: 0, seed: 0 });
    const other = initParams(policy.config, 9);
    for (const [name, v] of policy.params) v.assign(other.get(name)!.mul(v.shape.length > 1 ? 10 : 1));
    for (const v of other.values()) v.dispose();
    await policy.syncSampler();
    const fresh = await policy.sample(example, { samples: 1, maxNewTokens: 16, temperature: 0, seed: 0 });
    policy.llamaCpp = undefined;
    const tfjs = await policy.sample(example, { samples: 1, maxNewTokens: 16, temperature: 0, seed: 0 });
    expect(fresh[0]!.ids).toEqual(tfjs[0]!.ids);
    expect(fresh[0]!.ids).not.toEqual(old[0]!.ids);
  });
});
