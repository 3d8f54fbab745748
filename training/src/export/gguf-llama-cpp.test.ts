/**
 * Parity with the real consumer: GGUF exports of tiny random checkpoints run in node-llama-cpp
 * (llama.cpp 3.21.1 prebuilt, CPU, 1 thread) and must give the tfjs model's next-token
 * distribution, the same greedy continuation, and the same tokenization as our tokenizer.
 *
 * Tolerances, on log-probabilities over the whole vocabulary (logits up to a constant), with a
 * float32 KV cache and flash attention off (llama.cpp's defaults, F16 cache and CPU flash attention,
 * alone move them by ~1e-2): f32 1e-4 (measured ~1e-5: summation order), f16 0.03 (measured 0.014:
 * weights rounded to 11 significant bits). Q8_0 and Q4_0 (llama.cpp also quantizes activations
 * for them) are held to a KL bound and the same top token.
 */

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, type Llama, LlamaLogLevel, type LlamaModel, type Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Architecture } from "../checkpoint/hf-config";
import { type HfCheckpoint, loadParams, openHfCheckpoint } from "../checkpoint/hf-folder";
import { writeHfFixture } from "../fixtures/hf-checkpoint";
import { tf, useBackend } from "../model/backend";
import type { Qwen2Config } from "../model/config";
import { forward, type Params } from "../model/qwen2";
import { OFFLOAD_TOKEN } from "../tokenizer/control-token";
import { writeGgufFile } from "./gguf";
import { type GgufWeightType, modelToGguf } from "./gguf-model";
import { llamaCppNextTokens } from "./llama-cpp-probe";

const PROMPT = "Hello, world! 12 + 30 =";
const STEPS = 6;
/** Max |Δ log-prob| for unquantized weights. */
const EXACT_TYPES: Array<[GgufWeightType, number]> = [
  ["f32", 1e-4],
  ["f16", 0.03],
];
/** KL(tfjs || llama.cpp) bounds for block-quantized weights (measured 0.0034 and 0.11). */
const QUANTIZED_TYPES: Array<[GgufWeightType, number]> = [
  ["q8_0", 0.02],
  ["q4_0", 0.3],
];

let llama: Llama;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  await useBackend("cpu");
  llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
});
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
  await llama.dispose();
});

async function fixture(
  architecture: Architecture,
  sizes: Partial<Qwen2Config> = {},
): Promise<{ ckpt: HfCheckpoint; params: Params; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "gguf-parity-"));
  await writeHfFixture(dir, {
    architecture,
    dtype: "F32",
    tieEmbeddings: architecture === "qwen2",
    seed: 11,
    sizes,
  });
  const ckpt = await openHfCheckpoint(dir);
  const params = await loadParams(ckpt);
  cleanup.push(async () => {
    for (const v of params.values()) v.dispose();
    await ckpt.weights.close();
  });
  return { ckpt, params, dir };
}

async function loadGguf(f: { ckpt: HfCheckpoint; dir: string }, type: GgufWeightType): Promise<LlamaModel> {
  const path = join(f.dir, `model-${type}.gguf`);
  await writeGgufFile(path, modelToGguf(f.ckpt, { type }));
  const model = await llama.loadModel({ modelPath: path });
  cleanup.push(() => model.dispose());
  return model;
}

function tfjsLogProbs(f: { ckpt: HfCheckpoint; params: Params }, ids: number[]): Float32Array {
  return tf.tidy(() => {
    const { logits } = forward(f.ckpt.model.config, f.params, tf.tensor2d([ids], undefined, "int32"));
    const last = tf.slice(logits, [0, ids.length - 1, 0], [1, 1, -1]);
    return tf.logSoftmax(tf.reshape(last, [-1])).dataSync() as Float32Array;
  });
}

function tfjsGreedy(f: { ckpt: HfCheckpoint; params: Params }, ids: number[]): number[] {
  const seq = [...ids];
  for (let i = 0; i < STEPS; i++) {
    const lp = tfjsLogProbs(f, seq);
    seq.push(lp.indexOf(Math.max(...lp)));
  }
  return seq.slice(ids.length);
}

/** KL(p || q) of two log-probability vectors. */
function kl(p: Float32Array, q: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.exp(p[i]!) * (p[i]! - q[i]!);
  return sum;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe("GGUF export in node-llama-cpp", () => {
  for (const architecture of ["qwen2", "llama"] as const) {
    describe(architecture, () => {
      let f: Awaited<ReturnType<typeof fixture>>;
      beforeAll(async () => {
        f = await fixture(architecture);
      });

      for (const [type, tolerance] of architecture === "qwen2" ? EXACT_TYPES : EXACT_TYPES.slice(0, 1)) {
        it(`${type}: same next-token log-probabilities (±${tolerance}) and greedy continuation`, async () => {
          const model = await loadGguf(f, type);
          const ids = f.ckpt.tokenizer.encode(PROMPT);
          const ours = tfjsLogProbs(f, ids);
          const theirs = await llamaCppNextTokens(model, ids);
          expect(maxAbsDiff(ours, theirs.logProbs)).toBeLessThan(tolerance);
          // The distribution is not flat: the comparison is meaningful.
          expect(Math.exp(Math.max(...ours))).toBeGreaterThan(5 / ours.length);
          expect(theirs.greedy).toEqual(tfjsGreedy(f, ids));
        });
      }
      for (const [type, bound] of architecture === "qwen2" ? QUANTIZED_TYPES : []) {
        it(`${type}: next-token distribution within KL ${bound} and the same top token`, async () => {
          const model = await loadGguf(f, type);
          const ids = f.ckpt.tokenizer.encode(PROMPT);
          const ours = tfjsLogProbs(f, ids);
          const theirs = await llamaCppNextTokens(model, ids);
          expect(kl(ours, theirs.logProbs)).toBeLessThan(bound);
          expect(theirs.greedy[0]).toBe(ours.indexOf(Math.max(...ours)));
        });
      }
    });
  }

  it("llama with Llama 3 RoPE scaling: the same log-probabilities, through rope_freqs", async () => {
    // original_max_position 16: one frequency is interpolated, the rest slowed 8x, within the prompt.
    const ropeScaling = { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 16 };
    const f = await fixture("llama", { ropeScaling });
    expect(f.ckpt.model.config.ropeScaling).toEqual(ropeScaling);
    const ids = f.ckpt.tokenizer.encode(PROMPT);
    const ours = tfjsLogProbs(f, ids);
    const theirs = await llamaCppNextTokens(await loadGguf(f, "f32"), ids);
    expect(maxAbsDiff(ours, theirs.logProbs)).toBeLessThan(1e-4);
    // Meaningful: without the scaling the same weights give clearly different log-probabilities.
    const { ropeScaling: _, ...plain } = f.ckpt.model.config;
    const unscaled = tfjsLogProbs(
      { ...f, ckpt: { ...f.ckpt, model: { ...f.ckpt.model, config: plain } } },
      ids,
    );
    expect(maxAbsDiff(ours, unscaled)).toBeGreaterThan(1e-2);
  });

  it("tokenizes like our tokenizer, <|offload|> included as its control id", async () => {
    const f = await fixture("qwen2");
    const model = await loadGguf(f, "f32");
    const tok = f.ckpt.tokenizer;
    for (const text of [
      `Sure.${OFFLOAD_TOKEN}`,
      `<|im_start|>user\nWhat is 7 * 6?<|im_end|>\n<|im_start|>assistant\n${OFFLOAD_TOKEN}<|im_end|>`,
      "Größe café naïve — 東京は日本の首都です。 Привет 🙂",
      "a  b   c    d\n\n\n\t\tx   \n  y  ",
      "   leading and trailing   ",
    ]) {
      expect(model.tokenize(text, true), JSON.stringify(text)).toEqual(tok.encode(text));
    }
    const offload = f.ckpt.offloadTokenId as Token;
    expect(model.tokenize(OFFLOAD_TOKEN, true)).toEqual([offload]);
    expect(model.detokenize([offload], true)).toBe(OFFLOAD_TOKEN);
    // Not special text: printed as text, not as the control token.
    expect(model.tokenize(OFFLOAD_TOKEN, false)).not.toContain(offload);
  });
});
