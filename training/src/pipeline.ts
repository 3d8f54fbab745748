/**
 * The tiny pipeline, end to end: data -> tokenizer -> tiny Qwen2 from scratch -> supervised
 * warm-up -> each method trained from the same warm-up weights (task-only, collaboration-aware,
 * GAPG) -> evaluation of every method at one cloud budget -> report, logs and the GAPG model as
 * GGUF (the app's demo model format).
 */

import { appendFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CloudOracle } from "./cloud/oracle";
import { writePolicyGguf } from "./export/gguf-model";
import { budgetThreshold, outcomes, type PromptOutcome } from "./gapg/evaluate";
import { type MethodRow, methodRows } from "./gapg/method-table";
import { Policy } from "./gapg/policy";
import { trainRouter } from "./gapg/router-baseline";
import { type RunCalibration, type RunModel, saveCalibration, saveRunModel } from "./gapg/run-folder";
import { DEFAULT_GAPG, type GapgConfig, type StepLog, trainGapg } from "./gapg/trainer";
import { DEFAULT_WARMUP, type WarmupConfig, warmup } from "./gapg/warmup";
import { tf } from "./model/backend";
import { PRESETS, type Qwen2Config } from "./model/config";
import { LlamaCppRollouts } from "./model/llama-cpp-sampler";
import { initParams, type Params } from "./model/qwen2";
import { progressBar } from "./report/progress-bar";
import { type ArithmeticLevel, generateArithmetic, workedSolution } from "./tasks/arithmetic";
import { taskFor } from "./tasks/index";
import { splitBySeed } from "./tasks/splits";
import { toJsonl } from "./tasks/task-jsonl";
import { trainTaskTokenizer } from "./tasks/task-tokenizer";
import type { TaskExample } from "./tasks/types";

export interface PipelineConfig {
  seed: number;
  examples: number;
  testFraction: number;
  /** Arithmetic difficulty levels mixed in the data (easy ones the tiny model learns, hard ones it cannot). */
  levels: ArithmeticLevel[];
  /**
   * Levels whose worked solutions the supervised warm-up trains on (all when empty). A model from
   * scratch cannot learn the hard levels' solutions in a CPU budget, and trying drowns the easy
   * ones; the paper starts from instruct checkpoints that already solve the easy part.
   */
  warmupLevels: ArithmeticLevel[];
  vocabSize: number;
  warmup: WarmupConfig;
  gapg: Omit<GapgConfig, "method">;
  /** The cloud budget every method is compared at (share of test prompts). */
  budget: number;
  /** Training prompts that fit the router baseline's classifier and calibrate every threshold to the budget. */
  calibrationPrompts: number;
  maxEvalTokens: number;
  outDir: string;
  /** Continue each method from its checkpoint (the seeded warm-up is recomputed, identically). */
  resume: boolean;
  /** Who samples rollouts and evaluation answers: llama.cpp (~8x faster here) or tfjs. */
  sampler: "llama-cpp" | "tfjs";
}

/**
 * The best configuration measured so far (closing notes, exp5/exp6): easy carry-free sums the warm-up
 * teaches and hard level-5 expressions it cannot, one hard prompt in four; rollouts at the paper's
 * temperature 1 through llama.cpp; a gentle RL learning rate (1e-4 and above degraded the warm-up's
 * local accuracy in 40 steps; 3e-5 keeps it and lets the offload decision sharpen over ~150 steps).
 * About 30 minutes on 2 cores.
 */
export const TINY_PIPELINE: PipelineConfig = {
  seed: 1,
  examples: 3000,
  testFraction: 0.1,
  levels: [1, 1, 1, 5],
  warmupLevels: [1],
  vocabSize: 512,
  warmup: { ...DEFAULT_WARMUP, steps: 400, offloadShare: 0.25 },
  gapg: { ...DEFAULT_GAPG, steps: 150, promptsPerBatch: 8, lr: 3e-5 },
  budget: 0.3,
  calibrationPrompts: 200,
  maxEvalTokens: 40,
  outDir: "runs/tiny",
  resume: false,
  sampler: "llama-cpp",
};

export interface PipelineResult {
  rows: MethodRow[];
  logs: Record<string, StepLog[]>;
  warmupLosses: number[];
  ggufPath: string;
}

type Snapshot = Map<string, Float32Array>;
const snapshot = (params: Params): Snapshot =>
  new Map([...params].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
function restore(params: Params, s: Snapshot): void {
  for (const [k, v] of params) v.assign(tf.tensor(s.get(k)!, v.shape));
}

export async function runPipeline(
  cfg: PipelineConfig,
  oracle: CloudOracle,
  log: (line: string) => void = console.log,
): Promise<PipelineResult> {
  const llamaCpp =
    cfg.sampler === "llama-cpp" ? await LlamaCppRollouts.create(cfg.gapg.groupSize) : undefined;
  try {
    return await trainAndEvaluate(cfg, oracle, log, llamaCpp);
  } finally {
    await llamaCpp?.dispose();
  }
}

async function trainAndEvaluate(
  cfg: PipelineConfig,
  oracle: CloudOracle,
  log: (line: string) => void,
  llamaCpp: LlamaCppRollouts | undefined,
): Promise<PipelineResult> {
  const task = taskFor("arithmetic");
  const all = generateArithmetic(cfg.examples, cfg.seed, cfg.levels);
  const { train, test } = splitBySeed(all, cfg.testFraction, cfg.seed);
  log(`data: ${train.length} train / ${test.length} test arithmetic prompts, levels ${cfg.levels.join(",")}`);

  const tokenizer = trainTaskTokenizer(train, workedSolution, cfg.vocabSize);
  const config: Qwen2Config = { ...PRESETS.tiny, vocabSize: tokenizer.vocabSize };
  const params = initParams(config, cfg.seed);
  const policy = new Policy(config, params, tokenizer);
  policy.llamaCpp = llamaCpp;
  log(
    `tokenizer: ${tokenizer.vocabSize} tokens; model: ${[...params.values()].reduce((n, v) => n + v.size, 0)} parameters`,
  );

  const warmupSet = cfg.warmupLevels.length
    ? train.filter((e) => cfg.warmupLevels.includes(e.difficulty as ArithmeticLevel))
    : train;
  const warmupBar = progressBar("warm-up");
  const warmupLosses = await warmup(
    policy,
    warmupSet,
    workedSolution,
    { ...cfg.warmup, seed: cfg.seed },
    (step, loss) => warmupBar.update(step, cfg.warmup.steps, `loss ${loss.toFixed(3)}`),
  );
  warmupBar.finish();
  const evaluateWithBar = async (label: string, examples: readonly TaskExample[]) => {
    const bar = progressBar(`eval ${label}`);
    try {
      return await outcomes(policy, task, oracle, examples, cfg.maxEvalTokens, bar.update);
    } finally {
      bar.finish();
    }
  };
  const warm = snapshot(params);
  await mkdir(cfg.outDir, { recursive: true });
  await writeFile(join(cfg.outDir, "test.jsonl"), toJsonl(test));
  await saveRunModel(cfg.outDir, "warm-up", policy);
  const testOutcomes: Partial<Record<RunModel, PromptOutcome[]>> = {
    "warm-up": await evaluateWithBar("warm-up", test),
  };

  const logs: Record<string, StepLog[]> = {};
  // Appended live (tail -f), rewritten whole at the end (a resumed run's log includes earlier steps).
  const stepsPath = join(cfg.outDir, "steps.jsonl");
  await writeFile(stepsPath, "");
  // Fitted on training prompts only: the router's classifier and every threshold at the budget.
  const calibrationSet = train.slice(0, cfg.calibrationPrompts);
  const marginThresholds: Partial<RunCalibration["marginThresholds"]> = {};
  let router: RunCalibration["router"] | undefined;
  for (const method of ["task-only", "collab-aware", "gapg"] as const) {
    restore(params, warm);
    const checkpoint = { dir: join(cfg.outDir, "checkpoints", method), every: 10, resume: cfg.resume };
    const bar = progressBar(method);
    logs[method] = await trainGapg(
      policy,
      task,
      oracle,
      train,
      { ...cfg.gapg, method },
      (s) => {
        appendFileSync(stepsPath, `${JSON.stringify(s)}\n`);
        bar.update(
          s.step,
          cfg.gapg.steps,
          `reward ${s.rewardMean.toFixed(2)} cloud ${(100 * s.cloudRate).toFixed(0)}% local acc ${(100 * s.localAccuracy).toFixed(0)}% D1 ${s.d1} D2 ${s.d2}`,
        );
      },
      checkpoint,
    );
    bar.finish();
    await saveRunModel(cfg.outDir, method, policy);
    testOutcomes[method] = await evaluateWithBar(method, test);
    if (method === "task-only") {
      // The router baseline's classifier learns where this model fails.
      const seen = await evaluateWithBar("router training prompts", calibrationSet);
      const classifier = trainRouter(
        seen.map((o) => ({ tokens: policy.promptIds(o.example), localFails: !o.localCorrect })),
        config.vocabSize,
      );
      router = {
        weights: classifier.weights,
        threshold: budgetThreshold(
          seen.map((o) => classifier.score(policy.promptIds(o.example))),
          cfg.budget,
        ),
      };
    } else {
      marginThresholds[method] = budgetThreshold(
        calibrationSet.map((e) => policy.offloadMargin(e)),
        cfg.budget,
      );
    }
  }
  const ggufPath = join(cfg.outDir, "tandem-tiny-gapg.gguf");
  await writePolicyGguf(ggufPath, policy, { name: "tandem-tiny-gapg" });

  const calibration: RunCalibration = {
    version: 1,
    budget: cfg.budget,
    seed: cfg.seed,
    router: router!,
    marginThresholds: marginThresholds as RunCalibration["marginThresholds"],
  };
  await saveCalibration(cfg.outDir, calibration);
  const rows = methodRows(testOutcomes as Record<RunModel, PromptOutcome[]>, calibration, (r) =>
    policy.promptIds(r.example),
  );
  await writeFile(join(cfg.outDir, "results.json"), JSON.stringify({ config: cfg, rows }, null, 2));
  await writeFile(
    stepsPath,
    Object.values(logs)
      .flat()
      .map((l) => JSON.stringify(l))
      .join("\n"),
  );
  return { rows, logs, warmupLosses, ggufPath };
}
