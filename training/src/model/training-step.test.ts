import { describe, expect, it } from "vitest";
import { AdamW, DEFAULT_ADAMW } from "./adamw";
import { tf, useBackend } from "./backend";
import { PRESETS, type Qwen2Config } from "./config";
import { packBatch, policyGradientLoss, supervisedLoss } from "./policy-loss";
import { initParams, sequenceLogProbs, tokenLogProbs } from "./qwen2";

const c: Qwen2Config = { ...PRESETS.tiny, vocabSize: 32, hiddenSize: 32, intermediateSize: 64, numLayers: 1 };

describe("training step", () => {
  it("packs prompt and completion with the mask on completion tokens only", async () => {
    await useBackend("wasm");
    const b = packBatch(
      [
        { prompt: [1, 2], completion: [3, 4] },
        { prompt: [5], completion: [6] },
      ],
      0,
    );
    expect(b.ids.arraySync()).toEqual([
      [1, 2, 3],
      [5, 0, 0],
    ]);
    expect(b.targets.arraySync()).toEqual([
      [2, 3, 4],
      [6, 0, 0],
    ]);
    expect(b.mask.arraySync()).toEqual([
      [0, 1, 1],
      [1, 0, 0],
    ]);
    expect(b.completionTokens).toBe(3);
    b.dispose();
  });

  it("learns a completion by supervised steps (AdamW)", async () => {
    await useBackend("wasm");
    const params = initParams(c, 1);
    const opt = new AdamW(params, { ...DEFAULT_ADAMW, lr: 1e-2 });
    const batch = packBatch([{ prompt: [1, 2, 3], completion: [7, 9, 11, 2] }], 0);
    const losses: number[] = [];
    for (let i = 0; i < 30; i++)
      losses.push((await opt.minimize(() => supervisedLoss(c, params, batch))).loss);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 5);
    batch.dispose();
  });

  it("raises the log-probability of positive-advantage samples and lowers negative ones", async () => {
    await useBackend("wasm");
    const params = initParams(c, 2);
    const opt = new AdamW(params, { ...DEFAULT_ADAMW, lr: 5e-3 });
    const good = { prompt: [1, 2], completion: [5, 6] };
    const bad = { prompt: [1, 2], completion: [8, 9] };
    const batch = packBatch([good, bad], 0);
    const lp = () => Array.from(sequenceLogProbs(c, params, batch.ids, batch.targets, batch.mask).dataSync());
    const before = lp();
    for (let i = 0; i < 10; i++)
      await opt.minimize(() =>
        policyGradientLoss(c, params, batch, [1, -1], { normaliser: 1, temperature: 1 }),
      );
    const after = lp();
    expect(after[0]!).toBeGreaterThan(before[0]!);
    expect(after[1]!).toBeLessThan(before[1]!);
    batch.dispose();
  });

  it("takes log-probabilities at the sampling temperature", async () => {
    await useBackend("wasm");
    const params = initParams(c, 4);
    const batch = packBatch([{ prompt: [1, 2], completion: [5, 6, 7] }], 0);
    const at = (t: number) =>
      sequenceLogProbs(c, params, batch.ids, batch.targets, batch.mask, undefined, t).dataSync()[0]!;
    // At T -> large every token tends to probability 1/V.
    expect(at(1000)).toBeCloseTo(3 * Math.log(1 / c.vocabSize), 2);
    expect(at(0.5)).not.toBeCloseTo(at(1), 3);
    const loss = (t: number) =>
      policyGradientLoss(c, params, batch, [1], { normaliser: 2, temperature: t }).dataSync()[0]!;
    expect(loss(0.5)).toBeCloseTo(-at(0.5) / 2, 4);
    batch.dispose();
  });

  it("adds a KL penalty to a reference that is zero at the reference and grows away from it", async () => {
    await useBackend("wasm");
    const params = initParams(c, 5);
    const batch = packBatch([{ prompt: [1, 2], completion: [5, 6, 7] }], 0);
    const referenceAt = (p: typeof params) => tokenLogProbs(c, p, batch.ids, batch.targets);
    const plain = policyGradientLoss(c, params, batch, [1], { normaliser: 1, temperature: 1 }).dataSync()[0]!;
    const same = referenceAt(params);
    const atReference = policyGradientLoss(c, params, batch, [1], {
      normaliser: 1,
      temperature: 1,
      kl: { coef: 5, referenceLogProbs: same },
    }).dataSync()[0]!;
    expect(atReference).toBeCloseTo(plain, 5);
    const other = referenceAt(initParams(c, 6));
    const away = policyGradientLoss(c, params, batch, [1], {
      normaliser: 1,
      temperature: 1,
      kl: { coef: 5, referenceLogProbs: other },
    }).dataSync()[0]!;
    expect(away).toBeGreaterThan(plain + 1e-3);
    batch.dispose();
  });

  it("skips a step whose loss is not finite and leaves the weights alone", async () => {
    await useBackend("wasm");
    const params = initParams(c, 3);
    const opt = new AdamW(params, DEFAULT_ADAMW);
    const w = params.get("model.norm.weight")!;
    const before = Array.from(w.dataSync());
    const r = await opt.minimize(() => tf.mul(tf.sum(w), Number.NaN) as tf.Scalar);
    expect(r.applied).toBe(false);
    expect(Array.from(w.dataSync())).toEqual(before);
    expect(opt.step).toBe(0);
  });
});
