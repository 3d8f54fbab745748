/**
 * `npm run bench:train`: one run, side by side on this machine.
 * - forward + backward + AdamW step time for the tiny preset: wasm as shipped, wasm with the
 *   BatchMatMul patch, and the pure-JS cpu backend (ratios);
 * - rollout sampling tokens/s, 8 continuations x 64 new tokens of one prompt at temperature 1 with no
 *   stop tokens, on one random-init model (tiny preset, task tokenizer): tfjs (KV-cached, the 8 at
 *   once) vs node-llama-cpp (llama.cpp CPU) on an f32 GGUF export of the same weights, generation
 *   alone and including the export + load each rollout would need after an optimizer step (ratios);
 * - training throughput as a share of the machine's measured matmul peak on the same backend.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { Llama } from "node-llama-cpp";
import { writePolicyGguf } from "../src/export/gguf-model";
import { AdamW, DEFAULT_ADAMW } from "../src/model/adamw";
import { patchWasmKernels, tf } from "../src/model/backend";
import { PRESETS, type Qwen2Config } from "../src/model/config";
import { packBatch, supervisedLoss } from "../src/model/policy-loss";
import { initParams, type Params } from "../src/model/qwen2";
import { cpuLlama, loadSampler, sampleContinuationsLlamaCpp } from "../src/rollout/llama-cpp-sampler";
import { sampleContinuations } from "../src/rollout/tfjs-sampler";
import { generateArithmetic, workedSolution } from "../src/tasks/arithmetic";
import { formatPrompt } from "../src/tasks/prompt-format";
import { trainTaskTokenizer } from "../src/tasks/task-tokenizer";
import type { BpeTokenizer } from "../src/tokenizer/bpe-tokenizer";
import { CHATML } from "../src/tokenizer/chat-template";

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
  await opt.minimize(() => supervisedLoss(c, params, batch)); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) await opt.minimize(() => supervisedLoss(c, params, batch));
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

interface RolloutModel {
  config: Qwen2Config;
  params: Params;
  tokenizer: BpeTokenizer;
  prompt: number[];
}

/** The tiny preset with a task tokenizer (a GGUF needs a real one), random weights, a task prompt. */
function rolloutModel(): RolloutModel {
  const train = generateArithmetic(64, 5, [1, 5]);
  const tokenizer = trainTaskTokenizer(train, workedSolution, c.vocabSize);
  const config: Qwen2Config = { ...PRESETS.tiny, vocabSize: tokenizer.vocabSize };
  const text = CHATML.render([{ role: "user", content: formatPrompt(train[0]!) }], {
    addGenerationPrompt: true,
  });
  return { config, params: initParams(config, 3), tokenizer, prompt: tokenizer.encode(text) };
}

const ROLLOUT = { samples: 8, maxNewTokens: 64, temperature: 1, seed: 1 };
const countTokens = (outs: number[][]) => outs.reduce((n, o) => n + o.length, 0);

async function tfjsSamplingTokensPerSecond(m: RolloutModel): Promise<number> {
  const o = { ...ROLLOUT, stopIds: [] };
  await sampleContinuations(m.config, m.params, m.prompt, { ...o, maxNewTokens: 2 }); // warm-up
  const t0 = performance.now();
  const outs = await sampleContinuations(m.config, m.params, m.prompt, o);
  const s = (performance.now() - t0) / 1000;
  if (countTokens(outs) !== ROLLOUT.samples * ROLLOUT.maxNewTokens) throw new Error("tfjs: short rollout");
  return countTokens(outs) / s;
}

interface LlamaCppTimings {
  threads: number;
  tokens: number;
  /** Totals over the counted rollouts, in seconds. */
  exportS: number;
  loadS: number;
  generateS: number;
  rollouts: number;
  /** Distinct sample sets over the counted rollouts (same weights, prompt and seed): 1 = reproducible. */
  distinctOutputs: number;
}

/**
 * `rollouts` rollouts as the training loop would do them after each optimizer step: export the
 * weights to GGUF, load them (model + context of 8 sequences), sample, dispose; after one uncounted
 * warm-up rollout of 2 tokens. `capS` stops generation early (slow thread settings).
 */
async function llamaCppRollouts(
  llama: Llama,
  m: RolloutModel,
  dir: string,
  o: {
    threads?: number;
    mode: "lockstep" | "batched" | "sequential";
    rollouts: number;
    capS?: number;
    /** Continuations per rollout (default 8, one group); 64 is what training decodes at once. */
    samples?: number;
  },
): Promise<LlamaCppTimings> {
  const r: LlamaCppTimings = {
    threads: 0,
    tokens: 0,
    exportS: 0,
    loadS: 0,
    generateS: 0,
    rollouts: o.rollouts,
    distinctOutputs: 0,
  };
  const outputs = new Set<string>();
  const contextSize = m.prompt.length + ROLLOUT.maxNewTokens;
  for (let i = -1; i < o.rollouts; i++) {
    const path = join(dir, `rollout-${i + 1}.gguf`);
    const t0 = performance.now();
    await writePolicyGguf(path, m, { name: "tandem-rollout" });
    const t1 = performance.now();
    const sampler = await loadSampler(llama, path, {
      sequences: o.samples ?? ROLLOUT.samples,
      contextSize,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
    });
    const t2 = performance.now();
    const outs = await sampleContinuationsLlamaCpp(sampler.context, m.prompt, {
      ...ROLLOUT,
      samples: o.samples ?? ROLLOUT.samples,
      ...(i < 0 ? { maxNewTokens: 2 } : {}),
      mode: o.mode,
      ...(o.capS !== undefined ? { deadline: t2 + o.capS * 1000 } : {}),
    });
    const t3 = performance.now();
    r.threads = sampler.context.idealThreads;
    await sampler.dispose();
    await rm(path);
    if (i < 0) continue;
    r.exportS += (t1 - t0) / 1000;
    r.loadS += (t2 - t1) / 1000;
    r.generateS += (t3 - t2) / 1000;
    r.tokens += countTokens(outs);
    outputs.add(JSON.stringify(outs));
    r.distinctOutputs = outputs.size;
  }
  return r;
}

await tf.setBackend("wasm");
await tf.ready();
const unpatched = await stepSeconds(3);
patchWasmKernels();
const patched = await stepSeconds(10);
const rollout = rolloutModel();
const sampling = await tfjsSamplingTokensPerSecond(rollout);
const llamaStart = performance.now();
const llama = await cpuLlama();
const llamaInitS = (performance.now() - llamaStart) / 1000;
const ggufDir = await mkdtemp(join(tmpdir(), "bench-rollout-gguf-"));
const LLAMA_CAP_S = 15;
let llamaRuns: Array<{ mode: string; run: LlamaCppTimings; defaultThreads?: true }>;
try {
  llamaRuns = [
    {
      mode: "8 sequences in lockstep (reproducible; training's mode)",
      run: await llamaCppRollouts(llama, rollout, ggufDir, { threads: 1, mode: "lockstep", rollouts: 10 }),
    },
    {
      mode: "8 sequences batched",
      run: await llamaCppRollouts(llama, rollout, ggufDir, { threads: 1, mode: "batched", rollouts: 10 }),
    },
    {
      mode: "one sequence at a time",
      run: await llamaCppRollouts(llama, rollout, ggufDir, { threads: 1, mode: "sequential", rollouts: 5 }),
    },
    {
      mode: "8 sequences batched",
      run: await llamaCppRollouts(llama, rollout, ggufDir, {
        mode: "batched",
        rollouts: 1,
        capS: LLAMA_CAP_S,
      }),
      defaultThreads: true,
    },
    {
      mode: "64 sequences (8 groups) in lockstep",
      run: await llamaCppRollouts(llama, rollout, ggufDir, {
        threads: 1,
        mode: "lockstep",
        rollouts: 3,
        samples: 64,
      }),
    },
    {
      mode: "64 sequences one at a time",
      run: await llamaCppRollouts(llama, rollout, ggufDir, {
        threads: 1,
        mode: "sequential",
        rollouts: 1,
        samples: 64,
      }),
    },
  ];
} finally {
  await llama.dispose();
  await rm(ggufDir, { recursive: true, force: true });
}
for (const v of rollout.params.values()) v.dispose();
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
const full = ROLLOUT.samples * ROLLOUT.maxNewTokens;
console.log(
  `rollouts   ${ROLLOUT.samples} continuations x ${ROLLOUT.maxNewTokens} new tokens of a ${rollout.prompt.length}-token prompt, temperature 1, no stop tokens; tiny preset, vocab ${rollout.config.vocabSize} (task tokenizer)`,
);
console.log(
  `           tfjs wasm (${tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? "multi" : "single"}-threaded), KV cache, 8 at once: ${sampling.toFixed(0)} tokens/s`,
);
for (const { mode, run, defaultThreads } of llamaRuns) {
  const gen = run.tokens / run.generateS;
  const withRefresh = run.tokens / (run.exportS + run.loadS + run.generateS);
  const perRollout = (x: number) => `${((1000 * x) / run.rollouts).toFixed(0)} ms`;
  const threads = `${defaultThreads ? "default " : ""}${run.threads} thread${run.threads === 1 ? "" : "s"}`;
  const short = run.tokens < run.rollouts * full;
  console.log(
    `           node-llama-cpp, f32 GGUF, ${threads}, ${mode}, ${run.rollouts} rollout${run.rollouts === 1 ? "" : "s"}: ` +
      `${gen.toFixed(0)} tokens/s generation (${(gen / sampling).toFixed(2)}x tfjs), ` +
      `${withRefresh.toFixed(0)} tokens/s including export+load (${(withRefresh / sampling).toFixed(2)}x tfjs); ` +
      `per rollout export ${perRollout(run.exportS)} + load ${perRollout(run.loadS)} + generate ${perRollout(run.generateS)}` +
      (short ? ` [stopped by the ${LLAMA_CAP_S} s cap: ${run.tokens} of ${run.rollouts * full} tokens]` : ""),
  );
}
const defaultThreads = llamaRuns[3]!.run.threads;
const tokensPerS = (i: number) => llamaRuns[i]!.run.tokens / llamaRuns[i]!.run.generateS;
console.log(
  `           lockstep vs one sequence at a time: ${(tokensPerS(0) / tokensPerS(2)).toFixed(2)}x tokens/s for one group of 8, ${(tokensPerS(4) / tokensPerS(5)).toFixed(2)}x for 8 groups (64 sequences, as training decodes); ` +
    `distinct sample sets over repeated rollouts (1 = reproducible): lockstep ${llamaRuns[0]!.run.distinctOutputs}, batched ${llamaRuns[1]!.run.distinctOutputs}, one at a time ${llamaRuns[2]!.run.distinctOutputs}`,
);
console.log(
  `           getLlama() once per process ${llamaInitS.toFixed(2)} s, not counted. node-llama-cpp's default for a CPU-only Llama is max(4, cores) threads: ${defaultThreads} on this ${availableParallelism()}-core machine` +
    (defaultThreads > availableParallelism()
      ? " (oversubscribed: llama.cpp's threads wait on each other at every op)"
      : ""),
);
console.log(
  `throughput ${(flops / patched / 1e9).toFixed(2)} GFLOP/s training vs ${(peak / 1e9).toFixed(2)} GFLOP/s measured matmul peak (${((100 * flops) / patched / peak).toFixed(0)}%)`,
);
