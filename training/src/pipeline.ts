/**
 * The tiny pipeline, end to end: data (sums whose difficulty is invisible, plus a few visibly hard
 * expressions) -> tokenizer -> tiny Qwen2 from scratch -> supervised warm-up on carry-free sums ->
 * each method trained from the same warm-up weights (task-only, collaboration-aware, GAPG) -> the
 * routers (A: n-gram logistic regression, B: the tiny model as a classifier) -> every method on the
 * held-out split at the budget and over a sweep of budgets -> results, calibration, models (the CLI
 * then writes the GAPG model as the app's GGUF with its card: export/ship-run-model.ts).
 */

import { appendFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CloudOracle } from "./cloud/oracle";
import { budgetThreshold, offloadScore } from "./eval/decision";
import { methodInputs } from "./eval/method-inputs";
import { outcomes, outcomesWithProgress, type PromptOutcome } from "./eval/outcomes";
import {
  DEFAULT_MODEL_ROUTER,
  type ModelRouterConfig,
  modelRouterScores,
  trainModelRouter,
} from "./eval/router-model";
import { trainRouter } from "./eval/router-ngram";
import { type BudgetSweep, budgetSweep } from "./eval/sweep";
import { finalCloudRate } from "./eval/targets";
import { Policy } from "./gapg/policy";
import { loadRunModel, type RunCalibration, saveCalibration, saveRunModel } from "./gapg/run-folder";
import { DEFAULT_GAPG, type GapgConfig, type Method, type StepLog, trainGapg } from "./gapg/trainer";
import { DEFAULT_WARMUP, type WarmupConfig, warmup } from "./gapg/warmup";
import { runCliChild } from "./jobs/cli-child";
import { inPool } from "./jobs/pool";
import { tf } from "./model/backend";
import { PRESETS, type Qwen2Config } from "./model/config";
import { initParams, type Params } from "./model/qwen2";
import { markWeightsChanged } from "./model/weights-version";
import { progressBar } from "./report/progress-bar";
import type { RunResults } from "./report/write-report";
import { LlamaCppSampler } from "./rollout/llama-cpp-sampler";
import type { Sampler } from "./rollout/sampler";
import { tfjsSampler } from "./rollout/tfjs-sampler";
import { workedSolution } from "./tasks/arithmetic";
import { INDEPENDENT_TEST, independentSums } from "./tasks/independent-sums";
import { taskFor } from "./tasks/index";
import { splitBySeed } from "./tasks/splits";
import {
  DEFAULT_SUM_MIX,
  DEFAULT_SUM_SHAPE,
  generateSumMix,
  type SumCategory,
  type SumMix,
  type SumShape,
  sumCategory,
} from "./tasks/sum-mix";
import { toJsonl } from "./tasks/task-jsonl";
import { trainTaskTokenizer } from "./tasks/task-tokenizer";
import type { TaskExample } from "./tasks/types";

export interface PipelineConfig {
  seed: number;
  examples: number;
  testFraction: number;
  /** Training prompts held out from RL: every threshold and bias is calibrated on them. */
  validationPrompts: number;
  /** RL training prompts the task-only model answers to label the routers' training data. */
  routerPrompts: number;
  /** Category weights of the data (tasks/sum-mix.ts explains the choice). */
  mix: SumMix;
  /** Operand digits of the sums, and whether both operands have one length. */
  sumShape: SumShape;
  /**
   * Categories whose worked solutions the supervised warm-up trains on: carry-free sums only, so
   * carries and products are met first in RL, where the model must learn that they are beyond it.
   */
  warmupCategories: SumCategory[];
  vocabSize: number;
  warmup: WarmupConfig;
  /**
   * While the warm-up's greedy accuracy on `prompts` held-out warm-up-category prompts is under
   * `minAccuracy`, it continues from its own weights for another `steps` steps (a new short cycle
   * peaking at `lr`), at most `rounds` times; the best checkpoint seen is kept.
   */
  warmupBar: { minAccuracy: number; prompts: number; rounds: number; steps: number; lr: number };
  gapg: Omit<GapgConfig, "method">;
  modelRouter: ModelRouterConfig;
  /** The cloud budget of the results table (share of test prompts). */
  budget: number;
  /** Budgets of the accuracy-vs-cloud sweep. */
  budgets: number[];
  /** Draws that random offloading is averaged over. */
  randomDraws: number;
  maxEvalTokens: number;
  outDir: string;
  /** Continue each method from its checkpoint (the seeded warm-up is recomputed, identically). */
  resume: boolean;
  /** Who samples rollouts and evaluation answers: llama.cpp (~8x faster here) or tfjs. */
  sampler: "llama-cpp" | "tfjs";
  /**
   * Methods trained at once, each in its own process (1: one after another, in this process). All
   * three at once by default, on any number of cores: on two, three processes finish in about 3/2 of
   * one method's time, where two at a time take 2x (the third runs alone on one core).
   */
  jobs: number;
}

/**
 * The measured configuration (runs of 2026-12-01): a warm-up of 1400 steps of 16 whose learning rate
 * rises over its first 100 steps (without the rise, seeds 2 and 3 stayed at 19-29% carry-free greedy
 * accuracy after 1400 steps, three initialisations each, and only seed 1 passed with 84%; with it,
 * seeds 2 and 3 reach 100%; 900 steps gave 68% on seed 3, lr 6e-3 with the rise gave 6%), continued
 * while it misses the accuracy bar. Operand lengths are drawn on their own (57 + 348 as well as
 * 352 + 146): with the rise the warm-up reaches 92% on such carry-free sums (seed 1), and a model
 * trained on one length only answered 36% of them. Then 160 RL steps of 16 prompts x 8 samples at lr
 * 4e-4 with alpha_c 0.7, for the reasons below.
 * The learning rate: at 1e-4 (chosen on an earlier task) telling the categories apart was the slow part. On a
 * warm-up where GAPG stopped asking (seed 5 at 80% natural carries) the sampled cloud rate per category stayed
 * nearly shared for 160 steps (carry-free / carry / hard 14 / 18 / 34% at steps 81-100) while the carry-free
 * push away from asking drew all three down; from the same warm-up, 2e-4 began to separate them only near the
 * end (test AUC 0.761 -> 0.823) and 4e-4 separated them by step 80 (10 / 53 / 95%; AUC 0.958, own decision 28%,
 * carry-free accuracy kept at 98%). But 4e-4 alone cost local skill on other seeds (80% natural carries, seeds 1-3:
 * carry-free accuracy 98 -> 91-96%, so more failures than the budget holds: 87.9 +- 8.6% at the budget against
 * 92.6% at 1e-4), and a KL penalty of 0.1 to the warm-up weights kept it (seed 3: 99% carry-free, AUC 0.830 at 1e-4,
 * 0.922 at 4e-4, 0.933 with the penalty; 92.4% at the budget against 85.9 and 80.1); 0.3 held the asking back too
 * (AUC 0.861). The three methods share the rate and the penalty.
 * With the paper's alpha_c 0.25 (and 80 steps of 32) punished offloads on carry-free sums outweighed
 * the rewarded ones on carries: the training cloud rate fell 25% -> 4-8% and the model's own decision
 * (b = 0) offloaded < 1% of test prompts. alpha_c 0.5 (alpha_a > alpha_c still holds) kept the
 * training cloud rate near the budget; 160 updates took the own decision to 18% (carries 49%,
 * products 86%, carry-free 0%) and the AUC to 0.97 on seed 1. That balance depends on how well the
 * warm-up answers the easy prompts: the expected push on the offload logit before the model can
 * tell carries apart is ~ share_easy * (alpha_c - p_easy) + share_hard * alpha_c, zero near
 * alpha_c = 0.5 for the earlier warm-up (p_easy ~0.72 at T = 1) and near 0.67 for one that answers
 * ~95%; with alpha_c 0.5 after the competent warm-up the training cloud rate fell 26% -> 3-5% in 50
 * steps, with 0.6 to 11-13%, with 0.7 it held at 14-23%. alpha_c is also the confidence under which
 * offloading is the better bet (offload when P(local correct) < alpha_c / alpha_a). 16 prompts per step keep the rollout
 * cost of 80 steps of 32 (the paper's 32 did not fit the time budget on two cores).
 * With fixed alpha_c 0.7 the training cloud rate (sampled at T = 1) ends near 39% while the greedy
 * decision offloads 30% of test prompts. Holding the training rate at the 30% budget by dual ascent
 * on alpha_c (`--budget-gain 0.05`, GapgConfig.budgetControl) did hold it (22-33% over the last 40
 * steps, alpha_c 0.54-0.59), but the model's decision got worse, same warm-up: AUC for "local fails"
 * 0.916 -> 0.855 on the test split and 0.896 -> 0.848 on 300 independently drawn sums, carries
 * offloaded by its own decision 78% -> 53%. So the control is off by default.
 */
export const TINY_PIPELINE: PipelineConfig = {
  seed: 1,
  examples: 6000,
  testFraction: 0.1,
  validationPrompts: 500,
  routerPrompts: 1500,
  mix: DEFAULT_SUM_MIX,
  sumShape: DEFAULT_SUM_SHAPE,
  warmupCategories: ["carry-free"],
  vocabSize: 512,
  warmup: {
    ...DEFAULT_WARMUP,
    steps: 1400,
    batchSize: 16,
    lrWarmupSteps: 100,
    offloadShare: 0.25,
    // Seed 1's first warm-up: 88% -> 94% (every remaining failure a sum of two 2-digit operands).
    balanceShapes: true,
  },
  // Continuing beats restarting (2026-12-02, 300 check prompts): with shapes balanced, seeds 1 and 2 went 94 -> 94 -> 100%
  // and 91 -> 96 -> 98% over two continuations (drawn in proportion to the pool: 88 -> 91 -> 90 -> 94% and 90 -> 93 ->
  // 96 -> 98% over three), where two restarts from new initialisations had given 87/90/87% and 84/76/84% at twice the
  // cost. 300 prompts, not 100: at 100 the check's noise (84% there, 90% on 300) decided.
  warmupBar: { minAccuracy: 0.97, prompts: 300, rounds: 4, steps: 500, lr: 1e-3 },
  gapg: {
    ...DEFAULT_GAPG,
    steps: 160,
    promptsPerBatch: 16,
    lr: 4e-4,
    klCoef: 0.1,
    rewards: { alphaA: 1, alphaC: 0.7, alphaF: 0 },
  },
  modelRouter: DEFAULT_MODEL_ROUTER,
  budget: 0.3,
  budgets: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6],
  randomDraws: 20,
  maxEvalTokens: 64,
  outDir: "runs/tiny",
  resume: false,
  sampler: "llama-cpp",
  jobs: 3,
};

export interface PipelineResult {
  sweep: BudgetSweep;
  logs: Record<string, StepLog[]>;
  /** The offload bias that puts the GAPG model at the budget (calibrated on validation prompts). */
  gapgBias: number;
  trainingCloudRate: RunResults["trainingCloudRate"];
}

type Snapshot = Map<string, Float32Array>;
const snapshot = (params: Params): Snapshot =>
  new Map([...params].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
function restore(params: Params, s: Snapshot): void {
  for (const [k, v] of params) {
    const t = tf.tensor(s.get(k)!, v.shape);
    v.assign(t);
    t.dispose();
  }
  markWeightsChanged(params);
}
const fromSnapshot = (s: Snapshot, like: Params): Params =>
  new Map([...like].map(([k, v]) => [k, tf.variable(tf.tensor(s.get(k)!, v.shape), true, `router/${k}`)]));

export async function runPipeline(
  cfg: PipelineConfig,
  oracle: CloudOracle,
  log: (line: string) => void = console.log,
): Promise<PipelineResult> {
  const sampler =
    cfg.sampler === "llama-cpp" ? await LlamaCppSampler.create(cfg.gapg.groupSize) : tfjsSampler;
  try {
    return await trainAndEvaluate(cfg, oracle, log, sampler);
  } finally {
    await sampler.dispose();
  }
}

/** Test, validation (held out from RL) and RL training prompts, disjoint by question. */
export function pipelineSplits(
  cfg: Pick<PipelineConfig, "examples" | "seed" | "mix" | "sumShape" | "testFraction" | "validationPrompts">,
) {
  const all = generateSumMix(cfg.examples, cfg.seed, cfg.mix, cfg.sumShape);
  const { train: rest, test } = splitBySeed(all, cfg.testFraction, cfg.seed);
  if (rest.length <= cfg.validationPrompts)
    throw new Error(
      `${rest.length} training prompts leave none for RL after ${cfg.validationPrompts} validation prompts.`,
    );
  return { test, validation: rest.slice(0, cfg.validationPrompts), train: rest.slice(cfg.validationPrompts) };
}

/** The questions a run trained or calibrated on (its RL and validation prompts), trimmed. */
export function runQuestions(cfg: Parameters<typeof pipelineSplits>[0]): Set<string> {
  const { train, validation } = pipelineSplits(cfg);
  return new Set([...train, ...validation].map((e) => e.question.trim()));
}

/**
 * The independent test set (tasks/independent-sums.ts) without the questions this run trained or
 * calibrated on: the check of what a model learned beyond the mix it was trained on.
 */
export function independentTestSet(cfg: Parameters<typeof pipelineSplits>[0]): TaskExample[] {
  const seen = runQuestions(cfg);
  const { count, seed, productShare } = INDEPENDENT_TEST;
  return independentSums(count, seed, productShare).filter((e) => !seen.has(e.question.trim()));
}

async function trainAndEvaluate(
  cfg: PipelineConfig,
  oracle: CloudOracle,
  log: (line: string) => void,
  sampler: Sampler,
): Promise<PipelineResult> {
  const { test, validation, train } = pipelineSplits(cfg);
  const phase = phaseTimer(log);
  log(
    `data: ${train.length} RL / ${validation.length} validation / ${test.length} test prompts, mix ${JSON.stringify(cfg.mix)}`,
  );

  const tokenizer = trainTaskTokenizer(train, workedSolution, cfg.vocabSize);
  const config: Qwen2Config = { ...PRESETS.tiny, vocabSize: tokenizer.vocabSize };
  const params = initParams(config, cfg.seed);
  const policy = new Policy(config, params, tokenizer);
  policy.sampler = sampler;
  log(
    `tokenizer: ${tokenizer.vocabSize} tokens; model: ${[...params.values()].reduce((n, v) => n + v.size, 0)} parameters`,
  );

  const warmupSet = train.filter((e) => cfg.warmupCategories.includes(sumCategory(e.question)));
  const warmupCheck = validation.filter((e) => cfg.warmupCategories.includes(sumCategory(e.question)));
  await competentWarmup(cfg, policy, warmupSet, warmupCheck, oracle);
  const warm = snapshot(params);
  await mkdir(cfg.outDir, { recursive: true });
  await writeFile(join(cfg.outDir, "pipeline-config.json"), JSON.stringify(cfg, null, 2));
  await writeFile(join(cfg.outDir, "test.jsonl"), toJsonl(test));
  await writeFile(join(cfg.outDir, "validation.jsonl"), toJsonl(validation));
  await saveRunModel(cfg.outDir, "warm-up", policy);
  const warmTest = await evaluateWithBar(policy, oracle, cfg, "warm-up", test);
  phase("warm-up and its evaluation");

  // The three methods train from the same warm-up weights, `jobs` at a time in their own processes.
  const methods: Partial<Record<Method, MethodResults>> = {};
  await inPool(METHODS, Math.max(1, cfg.jobs), async (method) => {
    if (cfg.jobs > 1) await trainMethodInChild(cfg.outDir, method);
    else {
      restore(params, warm);
      await trainMethod(cfg, method, policy, oracle);
    }
    methods[method] = await readMethodResults(cfg.outDir, method);
  });
  phase(`${METHODS.length} methods (${cfg.jobs} at a time), trained and evaluated`);
  const logs = Object.fromEntries(METHODS.map((m) => [m, methods[m]!.logs])) as Record<Method, StepLog[]>;
  await writeFile(
    join(cfg.outDir, "steps.jsonl"),
    Object.values(logs)
      .flat()
      .map((l) => JSON.stringify(l))
      .join("\n"),
  );
  const validationScores = {
    gapg: methods.gapg!.validation!.map(offloadScore),
    "collab-aware": methods["collab-aware"]!.validation!.map(offloadScore),
  };
  const routerLabels = methods["task-only"]!.routerLabels!.map((o) => ({
    tokens: policy.promptIds(o.example),
    localFails: !o.localCorrect,
  }));
  const testOutcomes = {
    "warm-up": warmTest,
    "task-only": methods["task-only"]!.test,
    "collab-aware": methods["collab-aware"]!.test,
    gapg: methods.gapg!.test,
  };
  const gapgBias = -budgetThreshold(validationScores.gapg!, cfg.budget);

  const routerNgram = trainRouter(routerLabels, config.vocabSize);
  const routerModel = new Policy(config, fromSnapshot(warm, params), tokenizer);
  const routerBar = progressBar("router B");
  await trainModelRouter(routerModel, routerLabels, { ...cfg.modelRouter, seed: cfg.seed }, (step, loss) =>
    routerBar.update(step, cfg.modelRouter.steps, `loss ${loss.toFixed(3)}`),
  );
  routerBar.finish();
  await saveRunModel(cfg.outDir, "router-model", routerModel);
  const validationPrompts = validation.map((e) => policy.promptIds(e));
  const calibration: RunCalibration = {
    version: 2,
    budget: cfg.budget,
    seed: cfg.seed,
    validation: {
      gapg: validationScores.gapg!,
      "collab-aware": validationScores["collab-aware"]!,
      "router-ngram": validationPrompts.map((p) => routerNgram.score(p)),
      "router-model": modelRouterScores(routerModel, validationPrompts),
    },
    routerNgram: routerNgram.weights,
  };
  await saveCalibration(cfg.outDir, calibration);
  const inputs = methodInputs(testOutcomes, calibration, {
    promptIds: (e) => policy.promptIds(e),
    routerModel,
    randomDraws: cfg.randomDraws,
  });
  for (const v of routerModel.params.values()) v.dispose();
  const sweep = budgetSweep(inputs, cfg.budget, cfg.budgets);
  phase("routers and the budget sweep");
  const trainingCloudRate = {
    gapg: finalCloudRate(logs.gapg),
    "collab-aware": finalCloudRate(logs["collab-aware"]),
  };
  return { sweep, logs, gapgBias, trainingCloudRate };
}

/** Logs how long each phase took since the previous one (where a seed's wall time goes). */
function phaseTimer(log: (line: string) => void): (name: string) => void {
  let start = performance.now();
  return (name) => {
    const now = performance.now();
    log(`${name}: ${((now - start) / 60_000).toFixed(1)} min`);
    start = now;
  };
}

const METHODS: readonly Method[] = ["task-only", "gapg", "collab-aware"];

/**
 * The supervised warm-up, continued from its own weights while its greedy accuracy on held-out
 * warm-up-category validation prompts is under the bar, keeping the best checkpoint: RL starts from
 * the most competent model it can get, as the paper's instruct checkpoints are (the weakest
 * warm-ups capped every method: the oracle itself cannot fix more failures than the budget holds).
 */
async function competentWarmup(
  cfg: PipelineConfig,
  policy: Policy,
  warmupSet: readonly TaskExample[],
  check: readonly TaskExample[],
  oracle: CloudOracle,
): Promise<void> {
  const { minAccuracy, prompts, rounds, steps, lr } = cfg.warmupBar;
  let best: { accuracy: number; weights: Snapshot } | undefined;
  for (let round = 0; round <= rounds; round++) {
    const label = round ? `warm-up (continuation ${round})` : "warm-up";
    const config = round
      ? { ...cfg.warmup, steps, lr, lrWarmupSteps: Math.ceil(steps / 10), seed: cfg.seed + 7000 * round }
      : { ...cfg.warmup, seed: cfg.seed };
    const bar = progressBar(label);
    await warmup(policy, warmupSet, workedSolution, config, (step, loss) =>
      bar.update(step, config.steps, `loss ${loss.toFixed(3)}`),
    );
    bar.finish();
    const checked = await outcomes(
      policy,
      taskFor("arithmetic"),
      oracle,
      check.slice(0, prompts),
      cfg.maxEvalTokens,
    );
    const accuracy = checked.filter((o) => o.localCorrect).length / Math.max(1, checked.length);
    // stderr, as the message below: a --seeds run keeps only its children's stderr.
    console.error(
      `${label}: greedy accuracy ${(100 * accuracy).toFixed(1)}% on ${checked.length} held-out prompts (bar ${(100 * minAccuracy).toFixed(0)}%)`,
    );
    if (accuracy >= minAccuracy) return;
    if (!best || accuracy > best.accuracy) best = { accuracy, weights: snapshot(policy.params) };
  }
  // Under the bar after every round: RL starts from the best checkpoint, and says so.
  restore(policy.params, best!.weights);
  console.error(
    `warm-up: under ${(100 * minAccuracy).toFixed(0)}% after ${rounds} continuations; continuing from the best (${(100 * best!.accuracy).toFixed(1)}%)`,
  );
}

const evaluateWithBar = (
  policy: Policy,
  oracle: CloudOracle,
  cfg: PipelineConfig,
  label: string,
  examples: readonly TaskExample[],
) => outcomesWithProgress(label, policy, taskFor("arithmetic"), oracle, examples, cfg.maxEvalTokens);

/** What training one method leaves for the rest of the pipeline (methods/<method>.json). */
interface MethodResults {
  logs: StepLog[];
  test: PromptOutcome[];
  /** The offloading methods' outcomes on the validation prompts (their bias is calibrated there). */
  validation?: PromptOutcome[];
  /** Task-only: its outcomes on RL training prompts, the routers' labels. */
  routerLabels?: PromptOutcome[];
}

const methodResultsPath = (outDir: string, method: Method) => join(outDir, "methods", `${method}.json`);

async function readMethodResults(outDir: string, method: Method): Promise<MethodResults> {
  return JSON.parse(await readFile(methodResultsPath(outDir, method), "utf8")) as MethodResults;
}

/** Trains one method from the warm-up weights in `policy`, saves its model and its evaluation. */
export async function trainMethod(
  cfg: PipelineConfig,
  method: Method,
  policy: Policy,
  oracle: CloudOracle,
): Promise<void> {
  const { test, validation, train } = pipelineSplits(cfg);
  const checkpoint = { dir: join(cfg.outDir, "checkpoints", method), every: 10, resume: cfg.resume };
  const stepsPath = join(cfg.outDir, "methods", `${method}.steps.jsonl`);
  await mkdir(join(cfg.outDir, "methods"), { recursive: true });
  await writeFile(stepsPath, "");
  const bar = progressBar(method);
  const logs = await trainGapg(
    policy,
    taskFor("arithmetic"),
    oracle,
    train,
    { ...cfg.gapg, method },
    (s) => {
      // Appended live (tail -f); a resumed run's final log includes the earlier steps.
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
  const results: MethodResults = {
    logs,
    test: await evaluateWithBar(policy, oracle, cfg, method, test),
    ...(method === "task-only"
      ? {
          routerLabels: await evaluateWithBar(
            policy,
            oracle,
            cfg,
            "router labels",
            train.slice(0, cfg.routerPrompts),
          ),
        }
      : { validation: await evaluateWithBar(policy, oracle, cfg, `${method} validation`, validation) }),
  };
  await writeFile(methodResultsPath(cfg.outDir, method), JSON.stringify(results));
}

/** `train method --run DIR --method M` in a process of its own (one core each). */
function trainMethodInChild(outDir: string, method: Method): Promise<void> {
  return runCliChild(["method", "--run", outDir, "--method", method], {
    label: `Training ${method}`,
    stdout: "inherit",
  });
}

/** The child's side: loads the run's configuration and warm-up model, and trains one method. */
export async function trainMethodOfRun(outDir: string, method: Method, oracle: CloudOracle): Promise<void> {
  const cfg = JSON.parse(await readFile(join(outDir, "pipeline-config.json"), "utf8")) as PipelineConfig;
  const policy = await loadRunModel(outDir, "warm-up");
  const sampler = cfg.sampler === "llama-cpp" ? await LlamaCppSampler.create() : tfjsSampler;
  policy.sampler = sampler;
  try {
    await trainMethod(cfg, method, policy, oracle);
  } finally {
    await sampler.dispose();
  }
}
