/**
 * `train` command line.
 *   train pipeline [--out runs/tiny] [--seed N | --seeds N [--seed-jobs K]] [--jobs J] [--quick] [--resume] [overrides]
 *     the tiny pipeline: warm-up, GAPG and the baselines, routers, results at the budget and over a
 *     sweep of budgets, report with plots, GGUF. The methods train J at a time in processes of their
 *     own (all three at once by default). --seeds N runs seeds 1..N into <out>/seed-K, --seed-jobs K
 *     at a time (all at once by default), and reports mean ± spread. --resume continues each method
 *     from its checkpoint.
 *   train eval --run runs/tiny --test FILE.jsonl [--task arithmetic|countdown|math]
 *     every method of a finished run on another test file, with the run's calibration.
 *   train data --independent --out FILE.jsonl [--count N] [--seed S] [--product-share X]
 *     a test file drawn apart from the training mix: uniform 2-3 digit sums and two-digit products.
 *   train report --run DIR
 *     the mean ± spread report over the finished seed-K folders of a --seeds run.
 *   train method --run DIR --method gapg|task-only|collab-aware
 *     one method of a pipeline run from its warm-up (the pipeline runs these in parallel processes).
 *   train demo --gguf FILE --decisions FILE [--run DIR]
 *     the app's bundled model (npm run make-demo-model): seeds 1-3 of the default pipeline, and the GAPG
 *     model of the seed best on its validation prompts, with its card. --run ships a finished run, or
 *     the best seed of a finished --seeds folder.
 *   train gapg --base HF_FOLDER --data FILE.jsonl --out DIR [--lora R,A,T+T] [--backend wasm|webgpu] ...
 *     LoRA GAPG on a real instruct checkpoint (the paper's lr 5e-6 and 32 x 8 by default), with the
 *     offload bias calibrated, a held-out evaluation and every export the app and HF read.
 * The cloud oracle is Anthropic's API when ANTHROPIC_API_KEY is set, otherwise the local fake cloud.
 */

import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { cliOracle } from "./cloud/cli-oracle";
import { checkTargets } from "./eval/targets";
import { seedsByValidation } from "./export/pick-seed";
import { shipRunModel } from "./export/ship-run-model";
import { evaluateRun } from "./gapg/run-eval";
import { CHECKPOINT_GAPG, DEFAULT_LORA, trainCheckpoint } from "./gapg/train-checkpoint";
import type { GapgConfig } from "./gapg/trainer";
import { runCliChild } from "./jobs/cli-child";
import { inPool } from "./jobs/pool";
import { useBackend } from "./model/backend";
import type { LoraConfig } from "./model/lora";
import {
  independentTestSet,
  type PipelineConfig,
  runPipeline,
  runQuestions,
  TINY_PIPELINE,
  trainMethodOfRun,
} from "./pipeline";
import { codeVersion } from "./report/code-version";
import { accuracyVsCloud } from "./report/plots";
import { categoryTable, resultsTable, targetsList } from "./report/run-report";
import { type RunResults, writeReport } from "./report/write-report";
import { LlamaCppSampler, parseRolloutDevice } from "./rollout/llama-cpp-sampler";
import { INDEPENDENT_TEST, independentSums } from "./tasks/independent-sums";
import { carryCountCategory, parseSumMix, withShapeDefaults } from "./tasks/sum-mix";
import { readTaskJsonl, toJsonl } from "./tasks/task-jsonl";
import type { TaskName } from "./tasks/types";

const USAGE = `usage:
  train pipeline [--out DIR] [--seed N | --seeds N [--seed-jobs K]] [--jobs J] [--quick] [--resume]
                 [--mix carry-free,carry,hard] [--same-length] [--natural-carries X] [--examples N] [--warmup-steps N] [--warmup-lr X]
                 [--warmup-rise N] [--warmup-offload X] [--steps N] [--prompts N] [--lr X] [--kl X] [--temperature X]
                 [--budget-gain X]
                 [--sampler llama-cpp|tfjs]
  train gapg --base HF_FOLDER --data FILE.jsonl --out DIR [--task arithmetic|countdown|math]
             [--lora RANK,ALPHA,TARGET+TARGET...] [--backend wasm|webgpu] [--steps N] [--prompts N] [--group N]
             [--lr X] [--max-new-tokens N] [--seed N] [--resume] [--model-lib URL] [--base-url URL]
             [--rollouts cpu|gpu]
  train eval --run DIR --test FILE.jsonl [--task arithmetic|countdown|math]
  train data --independent --out FILE.jsonl [--count 600] [--seed 2026] [--product-share 0.1]
  train method --run DIR --method gapg|task-only|collab-aware
  train report --run DIR
  train demo --gguf FILE --decisions FILE [--run DIR]`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    seed: { type: "string" },
    seeds: { type: "string" },
    independent: { type: "boolean" },
    count: { type: "string" },
    "product-share": { type: "string" },
    "seed-jobs": { type: "string" },
    rollouts: { type: "string" },
    jobs: { type: "string" },
    quick: { type: "boolean" },
    resume: { type: "boolean" },
    mix: { type: "string" },
    "same-length": { type: "boolean" },
    "natural-carries": { type: "string" },
    examples: { type: "string" },
    "warmup-steps": { type: "string" },
    "warmup-lr": { type: "string" },
    "warmup-rise": { type: "string" },
    "budget-gain": { type: "string" },
    "warmup-offload": { type: "string" },
    steps: { type: "string" },
    prompts: { type: "string" },
    lr: { type: "string" },
    kl: { type: "string" },
    temperature: { type: "string" },
    sampler: { type: "string" },
    run: { type: "string" },
    test: { type: "string" },
    task: { type: "string" },
    method: { type: "string" },
    gguf: { type: "string" },
    decisions: { type: "string" },
    base: { type: "string" },
    data: { type: "string" },
    lora: { type: "string" },
    backend: { type: "string" },
    group: { type: "string" },
    "max-new-tokens": { type: "string" },
    "model-lib": { type: "string" },
    "base-url": { type: "string" },
  },
});

function number(name: keyof typeof values): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isFinite(n))
    throw new Error(`--${name} must be a number, got "${raw}".`);
  return n;
}

function pipelineConfig(): PipelineConfig {
  const quick: Partial<PipelineConfig> = values.quick
    ? {
        examples: 1500,
        validationPrompts: 100,
        routerPrompts: 200,
        warmup: { ...TINY_PIPELINE.warmup, steps: 60 },
        // A smoke run: 60 steps teach nothing, so no bar.
        warmupBar: { ...TINY_PIPELINE.warmupBar, minAccuracy: 0 },
        gapg: { ...TINY_PIPELINE.gapg, steps: 5, promptsPerBatch: 8 },
        modelRouter: { ...TINY_PIPELINE.modelRouter, steps: 20 },
        budgets: [0, 0.3, 0.6],
      }
    : {};
  const cfg: PipelineConfig = {
    ...TINY_PIPELINE,
    ...quick,
    outDir: values.out ?? TINY_PIPELINE.outDir,
    resume: values.resume === true,
  };
  if (values.sampler !== undefined && values.sampler !== "llama-cpp" && values.sampler !== "tfjs")
    throw new Error(`--sampler must be llama-cpp or tfjs, got "${values.sampler}".`);
  cfg.sampler = values.sampler ?? cfg.sampler;
  cfg.seed = number("seed") ?? cfg.seed;
  cfg.jobs = number("jobs") ?? cfg.jobs;
  cfg.examples = number("examples") ?? cfg.examples;
  if (values.mix !== undefined) cfg.mix = parseSumMix(values.mix);
  if (values["same-length"]) cfg.sumShape = { ...cfg.sumShape, sameLength: true };
  cfg.sumShape = {
    ...cfg.sumShape,
    naturalCarryShare: number("natural-carries") ?? cfg.sumShape.naturalCarryShare,
  };
  cfg.warmup = {
    ...cfg.warmup,
    steps: number("warmup-steps") ?? cfg.warmup.steps,
    lr: number("warmup-lr") ?? cfg.warmup.lr,
    lrWarmupSteps: number("warmup-rise") ?? cfg.warmup.lrWarmupSteps,
    offloadShare: number("warmup-offload") ?? cfg.warmup.offloadShare,
  };
  cfg.gapg = {
    ...cfg.gapg,
    seed: cfg.seed,
    steps: number("steps") ?? cfg.gapg.steps,
    promptsPerBatch: number("prompts") ?? cfg.gapg.promptsPerBatch,
    lr: number("lr") ?? cfg.gapg.lr,
    klCoef: number("kl") ?? cfg.gapg.klCoef,
    temperature: number("temperature") ?? cfg.gapg.temperature,
  };
  const budgetGain = number("budget-gain");
  if (budgetGain !== undefined)
    cfg.gapg.budgetControl = budgetGain > 0 ? { target: cfg.budget, gain: budgetGain } : null;
  return cfg;
}

/** This invocation as a person would type it (for a model card's provenance). */
const commandLine = () => ["train", ...process.argv.slice(2)].join(" ");

async function pipelineOneSeed(cfg: PipelineConfig): Promise<void> {
  const { oracle, stop } = await cliOracle(join(cfg.outDir, "cloud-cache"));
  const t0 = performance.now();
  try {
    const result = await runPipeline(cfg, oracle);
    const independentTest = independentTestSet(cfg);
    const independent = await evaluateRun(cfg.outDir, "arithmetic", independentTest, oracle, {
      maxNewTokens: cfg.maxEvalTokens,
      sampler: cfg.sampler,
      budgets: cfg.budgets,
      sumCategory: carryCountCategory,
    });
    const results: RunResults = {
      seed: cfg.seed,
      budget: cfg.budget,
      gapgBias: result.gapgBias,
      rows: result.sweep.rows,
      curves: result.sweep.curves,
      trainingCloudRate: result.trainingCloudRate,
      independent: { prompts: independentTest.length, rows: independent.rows },
      wallMinutes: (performance.now() - t0) / 60_000,
    };
    const code = await codeVersion();
    if (code) results.code = code;
    await writeFile(join(cfg.outDir, "results.json"), JSON.stringify({ config: cfg, ...results }, null, 2));
    const report = await writeReport(cfg.outDir, [results], result.logs, `Tiny GAPG run, seed ${cfg.seed}`);
    const gguf = join(cfg.outDir, "tandem-tiny-gapg.gguf");
    await shipRunModel(cfg.outDir, { gguf, command: commandLine() });
    console.log(
      `\n${report}\nreport in ${join(cfg.outDir, "report.md")}; model ${gguf} (card in model-card.json)`,
    );
  } finally {
    await stop();
  }
}

/**
 * Runs each seed as its own process, `--seed-jobs` at a time (all at once by default: a seed's warm-up
 * is single-threaded, so seeds side by side keep both cores busy), then reports mean ± spread.
 */
async function pipelineSeeds(cfg: PipelineConfig, seeds: number, passOn: readonly string[]): Promise<void> {
  const seedJobs = number("seed-jobs") ?? seeds;
  const t0 = performance.now();
  await inPool(
    Array.from({ length: seeds }, (_, i) => i + 1),
    seedJobs,
    (seed) => {
      const out = join(cfg.outDir, `seed-${seed}`);
      return runCliChild([...passOn, "--seed", String(seed), "--out", out], {
        label: `seed ${seed} (${out})`,
        stdout: "ignore",
        stderrPrefix: seedJobs > 1 ? `seed ${seed} | ` : undefined,
      });
    },
  );
  const report = await reportSeeds(cfg.outDir);
  const minutes = ((performance.now() - t0) / 60_000).toFixed(1);
  console.log(
    `\n${report}\n--seeds ${seeds} (${Math.min(seedJobs, seeds)} at a time): ${minutes} min; report in ${join(cfg.outDir, "report.md")}`,
  );
}

/** The mean ± spread report over every finished seed-K folder of a run. */
async function reportSeeds(outDir: string): Promise<string> {
  const seeds = (await readdir(outDir))
    .map((name) => /^seed-(\d+)$/.exec(name)?.[1])
    .filter((k): k is string => k !== undefined && existsSync(join(outDir, `seed-${k}`, "results.json")))
    .map(Number)
    .sort((a, b) => a - b);
  if (seeds.length === 0) throw new Error(`${outDir} has no finished seed-K run (seed-K/results.json).`);
  const runs: RunResults[] = [];
  const logs: Record<string, never[]> = {};
  for (const seed of seeds) {
    const dir = join(outDir, `seed-${seed}`);
    runs.push(JSON.parse(await readFile(join(dir, "results.json"), "utf8")) as RunResults);
    const steps = (await readFile(join(dir, "steps.jsonl"), "utf8")).split("\n").filter(Boolean);
    for (const line of steps) {
      const s = JSON.parse(line);
      const key = `${s.method} (seed ${seed})`;
      logs[key] = [...(logs[key] ?? []), s as never];
    }
  }
  return writeReport(outDir, runs, logs, `Tiny GAPG runs over ${seeds.length} seeds`);
}

/** `train report --run DIR`: the seeds report from the seeds that have finished (e.g. after a stop). */
async function report(): Promise<void> {
  if (!values.run) throw new Error(`report needs --run.\n${USAGE}`);
  console.log(`${await reportSeeds(values.run)}\nreport in ${join(values.run, "report.md")}`);
}

async function pipeline(): Promise<void> {
  const cfg = pipelineConfig();
  const seeds = number("seeds");
  if (seeds === undefined) return pipelineOneSeed(cfg);
  if (!Number.isInteger(seeds) || seeds < 1)
    throw new Error(`--seeds must be a positive integer, got ${seeds}.`);
  // Each seed's process gets this command line without the flags that name seeds and folders.
  const passOn = process.argv.slice(2).filter((a, i, all) => {
    const flag = (f: string) => a === f || all[i - 1] === f || a.startsWith(`${f}=`);
    return !["--seeds", "--seed-jobs", "--out", "--seed"].some(flag);
  });
  return pipelineSeeds(cfg, seeds, passOn);
}

/** Test questions that were also the run's training or validation prompts make an evaluation optimistic. */
async function warnOnOverlap(runDir: string, questions: readonly string[]): Promise<void> {
  let config: PipelineConfig;
  try {
    config = JSON.parse(await readFile(join(runDir, "results.json"), "utf8")).config as PipelineConfig;
  } catch {
    return;
  }
  config.sumShape = withShapeDefaults(config.sumShape);
  const seen = runQuestions(config);
  const overlap = questions.filter((q) => seen.has(q.trim())).length;
  if (overlap > 0)
    console.error(
      `warning: ${overlap} of ${questions.length} test questions were training or validation prompts of this run; its results on them are optimistic.`,
    );
}

async function evaluate(): Promise<void> {
  if (!values.run || !values.test) throw new Error(`eval needs --run and --test.\n${USAGE}`);
  const task = (values.task ?? "arithmetic") as TaskName;
  const examples = readTaskJsonl(
    await readFile(values.test, "utf8").catch((e: Error) => {
      throw new Error(`${values.test} could not be read: ${e.message}`);
    }),
    task,
  );
  await warnOnOverlap(
    values.run,
    examples.map((e) => e.question),
  );
  const { oracle, stop } = await cliOracle(join(values.run, "cloud-cache"));
  try {
    const sweep = await evaluateRun(values.run, task, examples, oracle);
    const name = `eval-${basename(values.test, ".jsonl")}`;
    await writeFile(
      join(values.run, `${name}.json`),
      JSON.stringify({ test: values.test, ...sweep }, null, 2),
    );
    await writeFile(
      join(values.run, `${name}-accuracy-vs-cloud.svg`),
      await accuracyVsCloud(sweep.curves, sweep.budget),
    );
    console.log(
      [
        `\n${examples.length} prompts from ${values.test}`,
        resultsTable([sweep.rows]),
        categoryTable([sweep.rows]),
        targetsList(checkTargets(sweep.rows, sweep.budget, undefined)),
        `rows in ${join(values.run, `${name}.json`)}`,
      ].join("\n\n"),
    );
  } finally {
    await stop();
  }
}

async function method(): Promise<void> {
  const name = values.method;
  if (!values.run || (name !== "gapg" && name !== "task-only" && name !== "collab-aware"))
    throw new Error(`method needs --run and --method gapg|task-only|collab-aware.\n${USAGE}`);
  const { oracle, stop } = await cliOracle(join(values.run, "cloud-cache"));
  try {
    await trainMethodOfRun(values.run, name, oracle);
  } finally {
    await stop();
  }
}

/** The demo model is the best of this many seeds on validation prompts (export/pick-seed.ts). */
const DEMO_SEEDS = 3;

/**
 * `train demo --gguf FILE --decisions FILE [--run DIR]`: the app's bundled model. Runs DEMO_SEEDS
 * seeds of the default pipeline (into runs/demo, or takes a finished --run: one run, or a --seeds
 * folder) and writes the GAPG model of the seed best on validation with its card, plus the
 * evaluator's decisions on held-out prompts for the app's end-to-end test.
 */
async function demo(): Promise<void> {
  if (!values.gguf || !values.decisions) throw new Error(`demo needs --gguf and --decisions.\n${USAGE}`);
  let run = values.run;
  if (!run) {
    run = "runs/demo";
    await pipelineSeeds({ ...pipelineConfig(), outDir: run }, DEMO_SEEDS, ["pipeline"]);
  }
  const seeds = await seedsByValidation(run);
  if (seeds.length > 0) {
    console.log(
      `validation accuracy at the budget: ${seeds.map((c) => `seed ${c.seed} ${(100 * c.validationAccuracy).toFixed(1)}%`).join(", ")}; shipping seed ${seeds[0]!.seed}`,
    );
    run = seeds[0]!.run;
  }
  const card = await shipRunModel(run, {
    gguf: values.gguf,
    command: "npm run make-demo-model",
    decisions: { path: values.decisions, perCategory: 4 },
  });
  console.log(`${card.summary}\nwrote ${values.gguf} and ${values.decisions} from ${run}`);
}

/** `--lora 16,32,q_proj+v_proj`: rank, alpha and the targeted projections (all seven by default). */
function parseLora(text: string | undefined): LoraConfig {
  if (text === undefined) return DEFAULT_LORA;
  const [rank, alpha, targets] = text.split(",");
  return {
    rank: Number(rank),
    alpha: Number(alpha ?? Number(rank) * 2),
    targets: targets ? targets.split("+") : DEFAULT_LORA.targets,
  };
}

/** `train gapg --base DIR`: LoRA GAPG on a real checkpoint (gapg/train-checkpoint.ts). */
async function gapg(): Promise<void> {
  if (!values.base || !values.data || !values.out)
    throw new Error(`gapg needs --base, --data and --out.\n${USAGE}`);
  const backend = values.backend ?? "wasm";
  if (backend !== "wasm" && backend !== "webgpu")
    throw new Error(`--backend must be wasm or webgpu, got "${backend}".`);
  await useBackend(backend);
  const task = (values.task ?? "arithmetic") as TaskName;
  const examples = readTaskJsonl(
    await readFile(values.data, "utf8").catch((e: Error) => {
      throw new Error(`${values.data} could not be read: ${e.message}`);
    }),
    task,
  );
  const gapgConfig: GapgConfig = {
    ...CHECKPOINT_GAPG,
    seed: number("seed") ?? CHECKPOINT_GAPG.seed,
    steps: number("steps") ?? CHECKPOINT_GAPG.steps,
    promptsPerBatch: number("prompts") ?? CHECKPOINT_GAPG.promptsPerBatch,
    groupSize: number("group") ?? CHECKPOINT_GAPG.groupSize,
    lr: number("lr") ?? CHECKPOINT_GAPG.lr,
    maxNewTokens: number("max-new-tokens") ?? CHECKPOINT_GAPG.maxNewTokens,
  };
  const { oracle, stop } = await cliOracle(join(values.out, "cloud-cache"));
  const sampler = await LlamaCppSampler.create(
    gapgConfig.groupSize * 8,
    parseRolloutDevice(values.rollouts, "cpu"),
  );
  console.log(`rollouts: llama.cpp on ${sampler.device}`);
  try {
    const result = await trainCheckpoint(
      {
        base: values.base,
        task,
        examples,
        validationPrompts: Math.min(200, Math.floor(examples.length / 10)),
        lora: parseLora(values.lora),
        gapg: gapgConfig,
        budget: 0.3,
        evalTokens: gapgConfig.maxNewTokens,
        out: values.out,
        resume: values.resume === true,
        command: commandLine(),
        sampler,
        mlc: {
          ...(values["model-lib"] ? { modelLib: values["model-lib"] } : {}),
          ...(values["base-url"] ? { baseUrl: values["base-url"] } : {}),
        },
        log: (line) => console.error(line),
      },
      oracle,
    );
    const e = result.evaluation;
    console.log(
      `held-out: ${(100 * e.systemAccuracy).toFixed(1)}% accuracy at ${(100 * e.cloudRate).toFixed(0)}% cloud ` +
        `(local ${(100 * e.localAccuracy).toFixed(1)}%) on ${e.testPrompts} prompts, offload bias ${result.bias.toFixed(2)}\n` +
        `wrote ${result.files.join(", ")} to ${values.out}`,
    );
  } finally {
    await sampler.dispose();
    await stop();
  }
}

/** `train data --independent`: a test file drawn apart from the training mix (tasks/independent-sums.ts). */
async function data(): Promise<void> {
  if (!values.independent || !values.out) throw new Error(`data needs --independent and --out.\n${USAGE}`);
  const examples = independentSums(
    number("count") ?? INDEPENDENT_TEST.count,
    number("seed") ?? INDEPENDENT_TEST.seed,
    number("product-share") ?? INDEPENDENT_TEST.productShare,
  );
  await writeFile(values.out, toJsonl(examples));
  console.log(`wrote ${examples.length} prompts to ${values.out}`);
}

const commands: Record<string, () => Promise<void>> = {
  pipeline,
  data,
  eval: evaluate,
  method,
  report,
  demo,
  gapg,
};
const command = commands[positionals[0] ?? ""];
if (!command) {
  console.error(USAGE);
  process.exit(2);
}
try {
  // `gapg` picks its backend (--backend); everything else trains the tiny model on wasm.
  if (command !== gapg) await useBackend("wasm");
  await command();
} catch (error) {
  console.error(`train ${positionals[0]}: ${(error as Error).message}`);
  process.exit(1);
}
