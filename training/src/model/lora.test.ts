import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLora, loraConfigFromPeft, saveLora } from "../checkpoint/peft-adapter";
import { readSafetensors } from "../checkpoint/safetensors";
import { sampleContinuations } from "../rollout/tfjs-sampler";
import { AdamW, DEFAULT_ADAMW } from "./adamw";
import { tf, useBackend } from "./backend";
import { PRESETS, type Qwen2Config } from "./config";
import { initLora, LORA_TARGETS, type LoraConfig, mergedWeight } from "./lora";
import { packBatch, supervisedLoss } from "./policy-loss";
import { type Adapters, forward, initParams, type Params, tokenLogProbs } from "./qwen2";
import { maxAbsDiff, perturb } from "./test-helpers";

const c: Qwen2Config = { ...PRESETS.tiny, vocabSize: 32, hiddenSize: 32, intermediateSize: 64, numLayers: 2 };
const allLinear: LoraConfig = { rank: 4, alpha: 8, targets: LORA_TARGETS };
const ids = [
  [1, 5, 9, 2, 7, 3],
  [4, 4, 8, 1, 0, 6],
];

const logits = (params: Params, adapters?: Adapters) =>
  tf.tidy(() => forward(c, params, tf.tensor2d(ids, [2, 6], "int32"), undefined, adapters).logits.dataSync());
const snapshot = (m: Params) => new Map([...m].map(([k, v]) => [k, Array.from(v.dataSync())]));
const count = (m: Params) => [...m.values()].reduce((n, v) => n + v.size, 0);

let dir = "";
beforeAll(async () => {
  await useBackend("wasm");
  dir = await mkdtemp(join(tmpdir(), "lora-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("LoRA", () => {
  it("adds PEFT-named A [rank, in] and B [out, rank] = 0, so the adapted model starts as the base", () => {
    const params = initParams(c, 1);
    const lora = initLora(c, params, allLinear, 2);
    expect(lora.variables.size).toBe(2 * 7 * c.numLayers);
    expect(lora.scale).toBe(2);
    const a = lora.variables.get("base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight")!;
    const b = lora.variables.get("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight")!;
    expect(a.shape).toEqual([4, 32]);
    expect(b.shape).toEqual([16, 4]);
    expect(lora.variables.get("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight")!.shape).toEqual([
      4, 64,
    ]);
    const av = Array.from(a.dataSync());
    expect(Math.max(...av.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(32));
    expect(new Set(av).size).toBe(av.length);
    expect(Array.from(b.dataSync()).every((x) => x === 0)).toBe(true);
    expect(Array.from(logits(params, lora))).toEqual(Array.from(logits(params)));
    const again = initLora(c, params, allLinear, 2).variables;
    expect(
      Array.from(again.get("base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight")!.dataSync()),
    ).toEqual(av);
  });

  it("trains only the adapters: the base stays bit-identical and the loss falls", async () => {
    const params = initParams(c, 3);
    // LoRA cannot touch the tied embedding, whose N(0, 0.02) init caps the logits near zero; a
    // pretrained model's embedding is not that small.
    params
      .get("model.embed_tokens.weight")!
      .assign(tf.randomNormal([c.vocabSize, c.hiddenSize], 0, 0.3, "float32", 3));
    const lora = initLora(c, params, { rank: 4, alpha: 8, targets: ["q_proj", "v_proj", "down_proj"] }, 4);
    const base = snapshot(params);
    const start = snapshot(lora.variables);
    const opt = new AdamW(lora.variables, { ...DEFAULT_ADAMW, lr: 2e-2 });
    const batch = packBatch([{ prompt: [1, 2, 3], completion: [7, 9, 11, 2] }], 0);
    const losses: number[] = [];
    for (let i = 0; i < 25; i++)
      losses.push((await opt.minimize(() => supervisedLoss(c, params, batch, lora))).loss);
    batch.dispose();
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 3);
    expect(snapshot(params)).toEqual(base);
    for (const [name, values] of snapshot(lora.variables)) expect(values, name).not.toEqual(start.get(name));
  });

  it("gives the same adapter gradients when a frozen base's layers are recomputed in the backward pass", () => {
    const params = initParams(c, 15);
    const lora = initLora(c, params, { rank: 4, alpha: 8, targets: ["q_proj", "k_proj", "up_proj"] }, 16);
    perturb(lora, 17);
    const batch = packBatch(
      [
        { prompt: [1, 2, 3], completion: [7, 9, 11, 2] },
        { prompt: [4, 5], completion: [8, 3] },
      ],
      0,
    );
    const gradients = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.sum(tokenLogProbs(c, params, batch.ids, batch.targets, lora, 0.8))) as tf.Scalar,
        [...lora.variables.values()],
      );
      const read = new Map([...lora.variables].map(([n, v]) => [n, Array.from(grads[v.name]!.dataSync())]));
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return { loss, read };
    };
    const stored = gradients();
    for (const v of params.values()) v.trainable = false;
    const recomputed = gradients();
    batch.dispose();
    expect(recomputed.loss).toBeCloseTo(stored.loss, 5);
    for (const [name, g] of stored.read) {
      expect(maxAbsDiff(recomputed.read.get(name)!, g), name).toBeLessThan(1e-5);
      expect(Math.max(...g.map(Math.abs)), name).toBeGreaterThan(0);
    }
  });

  it("samples with the adapters: KV-cached greedy decoding follows full forward passes", async () => {
    const params = initParams(c, 12);
    const lora = initLora(c, params, allLinear, 13);
    perturb(lora, 14);
    const greedy = { samples: 1, maxNewTokens: 6, temperature: 0, stopIds: [31], seed: 1 };
    const [sampled] = await sampleContinuations(c, params, [1, 2, 3], greedy, lora);
    const expected = [1, 2, 3];
    for (let t = 0; t < sampled!.length; t++) {
      const last = tf.tidy(() => {
        const out = forward(c, params, tf.tensor2d([expected], undefined, "int32"), undefined, lora).logits;
        return tf.argMax(out.squeeze([0]).slice([expected.length - 1, 0], [1, -1]), -1).dataSync()[0]!;
      });
      expected.push(last);
    }
    expect(sampled).toEqual(expected.slice(3));
    expect(await sampleContinuations(c, params, [1, 2, 3], greedy)).not.toEqual([sampled]);
  });

  it("merges into weights that give the base + adapters logits (what the exports write)", () => {
    const params = initParams(c, 5);
    const lora = initLora(c, params, allLinear, 6);
    perturb(lora, 7);
    const base = snapshot(params);
    const merged: Params = new Map(
      [...params].map(([name, w]) => {
        const u = lora.update(name);
        return [name, u ? tf.variable(tf.tidy(() => mergedWeight(w, u))) : w];
      }),
    );
    const adapted = logits(params, lora);
    expect(maxAbsDiff(adapted, logits(params))).toBeGreaterThan(1e-2);
    expect(maxAbsDiff(logits(merged), adapted)).toBeLessThan(1e-5);
    expect(snapshot(params)).toEqual(base);
    for (const [name, v] of merged) if (v !== params.get(name)) v.dispose();
  });

  it("saves PEFT's adapter folder and loads it back to the same logits", async () => {
    const params = initParams(c, 8);
    const lora = initLora(c, params, { rank: 2, alpha: 16, targets: ["q_proj", "o_proj", "up_proj"] }, 9);
    perturb(lora, 10);
    await saveLora(dir, lora, { baseModel: "Qwen/Qwen2.5-0.5B-Instruct" });
    const config = JSON.parse(await readFile(join(dir, "adapter_config.json"), "utf8"));
    expect(config).toMatchObject({
      peft_type: "LORA",
      task_type: "CAUSAL_LM",
      r: 2,
      lora_alpha: 16,
      target_modules: ["q_proj", "o_proj", "up_proj"],
      bias: "none",
      base_model_name_or_path: "Qwen/Qwen2.5-0.5B-Instruct",
      use_rslora: false,
    });
    const { tensors } = await readSafetensors(join(dir, "adapter_model.safetensors"));
    expect(tensors.map((t) => t.name).sort()).toEqual([...lora.variables.keys()].sort());
    const loaded = await loadLora(dir, c, params);
    expect(loaded.scale).toBe(8);
    expect(Array.from(logits(params, loaded))).toEqual(Array.from(logits(params, lora)));
  });

  it("refuses unknown targets, bad ranks, mismatched files and PEFT settings it does not implement", async () => {
    const params = initParams(c, 11);
    expect(() => initLora(c, params, { rank: 4, alpha: 8, targets: ["q_proj", "qkv_proj"] }, 1)).toThrow(
      'Unknown LoRA target "qkv_proj"; valid targets are q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj.',
    );
    expect(() => initLora(c, params, { rank: 0, alpha: 8, targets: ["q_proj"] }, 1)).toThrow(/rank/);
    expect(() => initLora(c, params, { rank: 4, alpha: 8, targets: [] }, 1)).toThrow(/at least one target/);
    const peft = { peft_type: "LORA", r: 8, lora_alpha: 16, target_modules: ["q_proj"] };
    expect(loraConfigFromPeft(peft, "x")).toEqual({ rank: 8, alpha: 16, targets: ["q_proj"] });
    expect(() => loraConfigFromPeft({ ...peft, use_rslora: true, bias: "all" }, "x")).toThrow(
      'unsupported LoRA settings: use_rslora, bias "all"',
    );
    expect(() => loraConfigFromPeft({ ...peft, target_modules: "all-linear" }, "x")).toThrow(
      /list of module/,
    );
    await saveLora(dir, initLora(c, params, { rank: 2, alpha: 4, targets: ["q_proj"] }, 1));
    const config = JSON.parse(await readFile(join(dir, "adapter_config.json"), "utf8"));
    await writeFile(join(dir, "adapter_config.json"), JSON.stringify({ ...config, r: 3 }));
    await expect(loadLora(dir, c, params)).rejects.toThrow(
      /has no .*q_proj\.lora_A\.weight of shape \[3,32\]/,
    );
  });

  it("trains 38,912 adapter parameters (rank 8, every projection) against 459,904 base ones in the tiny preset", () => {
    const params = initParams(PRESETS.tiny, 1);
    const lora = initLora(PRESETS.tiny, params, { rank: 8, alpha: 16, targets: LORA_TARGETS }, 1);
    expect(count(params)).toBe(459_904);
    expect(count(lora.variables)).toBe(38_912);
    expect(count(lora.variables) / count(params)).toBeLessThan(0.1);
    lora.dispose();
    for (const v of params.values()) v.dispose();
  });
});
