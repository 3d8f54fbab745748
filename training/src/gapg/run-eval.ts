/** Every method of a finished pipeline run on a test set, with the run's own calibration. */

import type { CloudOracle } from "../cloud/oracle";
import { methodInputs } from "../eval/method-inputs";
import { outcomesWithProgress, type PromptOutcome } from "../eval/outcomes";
import { type BudgetSweep, budgetSweep } from "../eval/sweep";
import { LlamaCppSampler } from "../rollout/llama-cpp-sampler";
import { tfjsSampler } from "../rollout/tfjs-sampler";
import { taskFor } from "../tasks/index";
import type { TaskExample, TaskName } from "../tasks/types";
import { loadCalibration, loadRunModel, type RunModel } from "./run-folder";

const ANSWERING: ReadonlyArray<Exclude<RunModel, "router-model">> = [
  "warm-up",
  "task-only",
  "collab-aware",
  "gapg",
];

export async function evaluateRun(
  runDir: string,
  taskName: TaskName,
  examples: readonly TaskExample[],
  oracle: CloudOracle,
  {
    maxNewTokens = 64,
    sampler = "llama-cpp",
    budgets = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    sumCategory,
  }: {
    maxNewTokens?: number;
    sampler?: "llama-cpp" | "tfjs";
    budgets?: readonly number[];
    sumCategory?: (question: string) => string;
  } = {},
): Promise<BudgetSweep> {
  const calibration = await loadCalibration(runDir);
  const sampling = sampler === "llama-cpp" ? await LlamaCppSampler.create(1) : tfjsSampler;
  try {
    const task = taskFor(taskName);
    const results: Partial<Record<RunModel, PromptOutcome[]>> = {};
    for (const model of ANSWERING) {
      const policy = await loadRunModel(runDir, model);
      policy.sampler = sampling;
      try {
        results[model] = await outcomesWithProgress(model, policy, task, oracle, examples, maxNewTokens);
      } finally {
        for (const v of policy.params.values()) v.dispose();
      }
    }
    // Every model of a run shares one tokenizer; the routers score prompts in its token ids.
    const routerModel = await loadRunModel(runDir, "router-model");
    try {
      const inputs = methodInputs(
        results as Record<Exclude<RunModel, "router-model">, PromptOutcome[]>,
        calibration,
        {
          promptIds: (e) => routerModel.promptIds(e),
          routerModel,
          ...(sumCategory ? { sumCategory } : {}),
        },
      );
      return budgetSweep(inputs, calibration.budget, budgets);
    } finally {
      for (const v of routerModel.params.values()) v.dispose();
    }
  } finally {
    await sampling.dispose();
  }
}
