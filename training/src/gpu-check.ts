/**
 * `npm run gpu:check`: the prepared check for the day a GPU machine is lent. It writes (or takes,
 * --base) a Qwen2.5-0.5B-shaped checkpoint with random weights, runs 5 LoRA GAPG steps of 8 prompts
 * x 8 samples on the webgpu backend with llama.cpp rollouts, exports the merged model (MLC
 * q4f16_1/q4f32_1, GGUF, safetensors, PEFT adapter), and prints step time, rollout tokens/s, learner
 * FLOP/s and peak memory. `--cpu` runs the same script for one step on the tiny preset on wasm (what
 * CI runs); --backend, --shape, --steps, --prompts, --group and --max-new-tokens override.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadParams, openHfCheckpoint } from "./checkpoint/hf-folder";
import { cliOracle } from "./cloud/cli-oracle";
import { parameterCount } from "./export/export-model";
import { fixtureTokenizer, writeHfFixture } from "./fixtures/hf-checkpoint";
import { Policy } from "./gapg/policy";
import { CHECKPOINT_GAPG, DEFAULT_LORA, trainCheckpoint } from "./gapg/train-checkpoint";
import { AdamW, DEFAULT_ADAMW } from "./model/adamw";
import { type BackendName, tf, useBackend } from "./model/backend";
import { PRESETS, type Qwen2Config } from "./model/config";
import { initLora } from "./model/lora";
import { packBatch, policyGradientLoss } from "./model/policy-loss";
import { LlamaCppSampler, parseRolloutDevice } from "./rollout/llama-cpp-sampler";
import { generateSumMix } from "./tasks/sum-mix";

const { values } = parseArgs({
  options: {
    cpu: { type: "boolean" },
    backend: { type: "string" },
    shape: { type: "string" },
    base: { type: "string" },
    out: { type: "string" },
    steps: { type: "string" },
    prompts: { type: "string" },
    group: { type: "string" },
    "max-new-tokens": { type: "string" },
    rollouts: { type: "string" },
  },
});

const SHAPES: Record<string, Partial<Qwen2Config> | undefined> = {
  tiny: undefined,
  "0.5b": PRESETS["qwen2.5-0.5b"],
  "1.5b": PRESETS["qwen2.5-1.5b"],
};

const cpu = values.cpu === true;
const int = (name: keyof typeof values, fallback: number) => {
  const raw = values[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}".`);
  return n;
};
const backend = (values.backend ?? (cpu ? "wasm" : "webgpu")) as BackendName;
const shape = values.shape ?? (cpu ? "tiny" : "0.5b");
if (!(shape in SHAPES)) throw new Error(`--shape must be one of ${Object.keys(SHAPES).join(", ")}.`);
const steps = int("steps", cpu ? 1 : 5);
const prompts = int("prompts", cpu ? 4 : 8);
const group = int("group", cpu ? 4 : 8);
const maxNewTokens = int("max-new-tokens", cpu ? 16 : 64);

/** Peak resident memory (host) and tfjs tensor bytes (device memory on webgpu), sampled. */
function memoryWatch() {
  const peak = { rss: 0, tensors: 0 };
  const sample = () => {
    peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
    peak.tensors = Math.max(peak.tensors, tf.memory().numBytes);
  };
  const timer = setInterval(sample, 200);
  return {
    peak,
    stop: () => {
      sample();
      clearInterval(timer);
    },
  };
}

const t0 = performance.now();
const seconds = () => (performance.now() - t0) / 1000;
const work = values.out ?? (await mkdtemp(join(tmpdir(), "gpu-check-")));
const base = values.base ?? join(work, "base");
await useBackend(backend);
const memory = memoryWatch();
if (!values.base) {
  console.error(`writing a random ${shape}-shaped checkpoint to ${base} ...`);
  // Small random weights: near-uniform next tokens, so the rollouts sometimes offload.
  const sizes = SHAPES[shape];
  await writeHfFixture(base, {
    dtype: "BF16",
    scale: 0.02,
    // The fixture's small tokenizer, and free rows up to the real vocabulary (the shapes are what count).
    ...(sizes ? { sizes, spareRows: sizes.vocabSize! - fixtureTokenizer().vocabSize } : {}),
  });
}
const checkpointSeconds = seconds();
const described = await describeCheckpoint(base);
const { oracle, stop } = await cliOracle(join(work, "cloud-cache"));
// Rollouts on the GPU when node-llama-cpp has a GPU binary for it (README: "Rollouts on a GPU").
const sampler = await LlamaCppSampler.create(
  prompts * group,
  parseRolloutDevice(values.rollouts, cpu ? "cpu" : "gpu"),
);
try {
  const result = await trainCheckpoint(
    {
      base,
      task: "arithmetic",
      examples: generateSumMix(10 * prompts + 16, 7),
      validationPrompts: 8,
      lora: DEFAULT_LORA,
      // No filter: a random model answers nothing, and GAPG keeps no group then; the cost is the same.
      gapg: {
        ...CHECKPOINT_GAPG,
        method: "collab-aware",
        steps,
        promptsPerBatch: prompts,
        groupSize: group,
        maxNewTokens,
      },
      budget: 0.3,
      evalTokens: maxNewTokens,
      out: join(work, "run"),
      resume: false,
      command: `gpu-check ${process.argv.slice(2).join(" ")}`.trim(),
      sampler,
      mlc: {},
      log: (line) => console.error(line),
    },
    oracle,
  );
  const sum = (f: (l: (typeof result.logs)[number]) => number) => result.logs.reduce((n, l) => n + f(l), 0);
  const { layers, parameters } = described;
  const learner = await timeLearnerUpdate(base);
  memory.stop();
  const report = {
    backend,
    shape,
    layers,
    parameters,
    steps: result.logs.length,
    stepSeconds: sum((l) => l.stepSeconds) / result.logs.length,
    rolloutDevice: sampler.device,
    rolloutTokensPerSecond: sum((l) => l.rolloutTokens) / sum((l) => l.rolloutSeconds),
    gapgLearnerSeconds: sum((l) => l.learnerSeconds) / result.logs.length,
    // Forward (2N) and the activations' backward (2N) per token; LoRA's own weight gradients are small.
    learnerGflops: (4 * parameters * learner.tokens) / learner.seconds / 1e9,
    peakRssMiB: memory.peak.rss / 2 ** 20,
    peakTensorMiB: memory.peak.tensors / 2 ** 20,
    checkpointSeconds,
    totalSeconds: seconds(),
    exported: result.files,
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  memory.stop();
  await sampler.dispose();
  await stop();
  if (!values.out) await rm(work, { recursive: true, force: true });
}

async function describeCheckpoint(dir: string): Promise<{ layers: number; parameters: number }> {
  const ckpt = await openHfCheckpoint(dir);
  await ckpt.weights.close();
  return {
    layers: ckpt.model.config.numLayers,
    parameters: parameterCount(ckpt.weights),
  };
}

/**
 * One LoRA update of a full batch (prompts x group sequences of prompt + maxNewTokens tokens, in
 * micro-batches as the trainer runs them), timed: the learner's throughput whatever the rollouts'
 * rewards were (a random model's are all equal, and GAPG then has nothing to update).
 */
async function timeLearnerUpdate(dir: string): Promise<{ seconds: number; tokens: number }> {
  const ckpt = await openHfCheckpoint(dir);
  const params = await loadParams(ckpt);
  await ckpt.weights.close();
  const c = ckpt.model.config;
  const adapters = initLora(c, params, DEFAULT_LORA, 1);
  const optimizer = new AdamW(adapters.variables, { ...DEFAULT_ADAMW, lr: CHECKPOINT_GAPG.lr });
  // The policy as the trainer builds it (the base frozen, so the model gathers and recomputes), and a
  // prompt as training formats it (task instructions in ChatML).
  const prompt = new Policy(c, params, ckpt.tokenizer, adapters).promptIds(generateSumMix(1, 7)[0]!);
  const sequences = Array.from({ length: prompts * group }, (_, k) => ({
    prompt,
    completion: Array.from({ length: maxNewTokens }, (_, t) => (k * 131 + t * 17) % c.vocabSize),
  }));
  const micro = CHECKPOINT_GAPG.microBatch;
  const chunks = Array.from({ length: Math.ceil(sequences.length / micro) }, (_, i) =>
    packBatch(sequences.slice(i * micro, (i + 1) * micro), 0),
  );
  const start = performance.now();
  await optimizer.minimize(
    chunks.map(
      (packed, i) => () =>
        policyGradientLoss(
          c,
          params,
          packed,
          Array.from({ length: packed.ids.shape[0] }, (_, k) => ((i + k) % 2 ? 1 : -1)),
          { normaliser: sequences.length, temperature: 1 },
          adapters,
        ),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  for (const p of chunks) p.dispose();
  adapters.dispose();
  for (const v of params.values()) v.dispose();
  return { seconds, tokens: sequences.length * (prompt.length + maxNewTokens) };
}
