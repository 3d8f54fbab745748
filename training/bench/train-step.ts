/**
 * `npm run bench:train`: one run, side by side on this machine.
 * - forward + backward + AdamW step time for the tiny preset: wasm as shipped, wasm with the
 *   BatchMatMul patch, and the pure-JS cpu backend (ratios);
 * - rollout sampling tokens/s (KV-cached, 8 continuations at once);
 * - training throughput as a share of the machine's measured matmul peak on the same backend.
 */

import { AdamW, DEFAULT_ADAMW } from "../src/model/adamw";
import { patchWasmBatchMatMul, tf } from "../src/model/backend";
import { PRESETS } from "../src/model/config";
import { packBatch, supervisedLoss } from "../src/model/policy-loss";
import { initParams } from "../src/model/qwen2";
import { sampleContinuations } from "../src/model/sampler";

const c = PRESETS.tiny;
const B = 8;
const T = 64;
const seqs = Array.from({ length: B }, (_, b) => ({
  prompt: Array.from({ length: 16 }, (_, t) => (b * 31 + t * 7) % c.vocabSize),
  completion: Array.from({ length: T - 15 }, (_, t) => (b * 17 + t * 5) % c.vocabSize),
}));

async function stepSeconds(rounds: number): Promise<number> {
  const params = initParams(c, 1);
  const opt = new AdamW(params, DEFAULT_ADAMW);
  const batch = packBatch(seqs, 0);
  opt.minimize(() => supervisedLoss(c, params, batch)); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) opt.minimize(() => supervisedLoss(c, params, batch));
  const s = (performance.now() - t0) / 1000 / rounds;
  batch.dispose();
  for (const v of params.values()) v.dispose();
  return s;
}

/** Forward+backward FLOPs of one step: ~6 x params x tokens plus attention. */
function stepFlops(): number {
  const params = initParams(c, 2);
  const n = [...params.values()].reduce((a, v) => a + v.size, 0);
  for (const v of params.values()) v.dispose();
  const tokens = B * T;
  const attention = 6 * c.numLayers * T * T * c.hiddenSize * B;
  return 6 * n * tokens + attention;
}

async function matmulPeak(): Promise<number> {
  const a = tf.randomNormal([512, 512]);
  const b = tf.randomNormal([512, 512]);
  tf.matMul(a, b).dispose();
  const t0 = performance.now();
  const rounds = 20;
  for (let i = 0; i < rounds; i++) await tf.matMul(a, b).data();
  const s = (performance.now() - t0) / 1000 / rounds;
  a.dispose();
  b.dispose();
  return (2 * 512 ** 3) / s;
}

async function samplingTokensPerSecond(): Promise<number> {
  const params = initParams(c, 3);
  const t0 = performance.now();
  const outs = await sampleContinuations(c, params, [1, 2, 3, 4, 5, 6, 7, 8], {
    samples: 8,
    maxNewTokens: 64,
    temperature: 1,
    stopIds: [],
    seed: 1,
  });
  const tokens = outs.reduce((n, o) => n + o.length, 0);
  for (const v of params.values()) v.dispose();
  return tokens / ((performance.now() - t0) / 1000);
}

await tf.setBackend("wasm");
await tf.ready();
const unpatched = await stepSeconds(3);
patchWasmBatchMatMul();
const patched = await stepSeconds(10);
const sampling = await samplingTokensPerSecond();
const peak = await matmulPeak();
await tf.setBackend("cpu");
const cpu = await stepSeconds(2);

const flops = stepFlops();
console.log(`\nTandem training benchmark: tiny preset, batch ${B} x ${T} tokens, one run on this machine\n`);
console.log(
  `step time  wasm as shipped ${unpatched.toFixed(3)} s | wasm + matmul patch ${patched.toFixed(3)} s | cpu ${cpu.toFixed(3)} s`,
);
console.log(
  `ratios     patch speed-up ${(unpatched / patched).toFixed(2)}x, patched wasm vs cpu ${(cpu / patched).toFixed(1)}x faster`,
);
console.log(`rollouts   ${sampling.toFixed(0)} tokens/s (tfjs, KV cache, 8 continuations at once)`);
console.log(
  `throughput ${(flops / patched / 1e9).toFixed(2)} GFLOP/s training vs ${(peak / 1e9).toFixed(2)} GFLOP/s measured matmul peak (${((100 * flops) / patched / peak).toFixed(0)}%)`,
);
console.log("node-llama-cpp sampling is not compared yet (not installed: see the training issue).");
