/** Every method of a finished pipeline run on a test set, with the run's own calibration. */

import type { CloudOracle } from "../cloud/oracle";
import { LlamaCppRollouts } from "../model/llama-cpp-sampler";
import { progressBar } from "../report/progress-bar";
import { taskFor } from "../tasks/index";
import type { TaskExample, TaskName } from "../tasks/types";
import { outcomes, type PromptOutcome } from "./evaluate";
import { type MethodRow, methodRows } from "./method-table";
import { loadCalibration, loadRunModel, RUN_MODELS, type RunModel } from "./run-folder";

export async function evaluateRun(
  runDir: string,
  taskName: TaskName,
  examples: readonly TaskExample[],
  oracle: CloudOracle,
  {
    maxNewTokens = 40,
    sampler = "llama-cpp",
  }: { maxNewTokens?: number; sampler?: "llama-cpp" | "tfjs" } = {},
): Promise<MethodRow[]> {
  const calibration = await loadCalibration(runDir);
  const llamaCpp = sampler === "llama-cpp" ? await LlamaCppRollouts.create(1) : undefined;
  try {
    const task = taskFor(taskName);
    const results: Partial<Record<RunModel, PromptOutcome[]>> = {};
    // Every model of a run shares one tokenizer; the router scores prompts in its token ids.
    let promptIds: ((e: TaskExample) => number[]) | undefined;
    for (const model of RUN_MODELS) {
      const policy = await loadRunModel(runDir, model);
      policy.llamaCpp = llamaCpp;
      promptIds ??= (e) => policy.promptIds(e);
      const bar = progressBar(`eval ${model}`);
      try {
        results[model] = await outcomes(policy, task, oracle, examples, maxNewTokens, bar.update);
      } finally {
        bar.finish();
        for (const v of policy.params.values()) v.dispose();
      }
    }
    return methodRows(results as Record<RunModel, PromptOutcome[]>, calibration, (r) =>
      promptIds!(r.example),
    );
  } finally {
    await llamaCpp?.dispose();
  }
}
