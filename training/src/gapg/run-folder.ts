/**
 * What a pipeline run leaves behind so that `eval` can rebuild its results table on any test file:
 * each method's model as a Hugging Face folder (models/<method>/), the held-out split (test.jsonl)
 * and calibration.json (the budget, the router baseline's classifier and every threshold, all fitted
 * on training prompts).
 */

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadParams, openHfCheckpoint } from "../checkpoint/hf-folder";
import { policyExportModel } from "../export/export-model";
import { exportHfSafetensors } from "../export/hf-safetensors";
import { Policy } from "./policy";
import type { Method } from "./trainer";

/** The models a run saves: the shared warm-up and one per trained method. */
export const RUN_MODELS = ["warm-up", "task-only", "collab-aware", "gapg"] as const;
export type RunModel = (typeof RUN_MODELS)[number];

export interface RunCalibration {
  version: 1;
  /** Share of prompts every method may send to the cloud. */
  budget: number;
  seed: number;
  /** Router baseline: logistic-regression weights and the score threshold at the budget. */
  router: { weights: number[]; threshold: number };
  /** Offload-margin thresholds at the budget for the methods that emit <|offload|>. */
  marginThresholds: Record<Exclude<Method, "task-only">, number>;
}

const modelDir = (runDir: string, model: RunModel) => join(runDir, "models", model);

export async function saveRunModel(runDir: string, model: RunModel, policy: Policy): Promise<void> {
  await exportHfSafetensors(
    policyExportModel(policy.config, policy.params, policy.tokenizer),
    modelDir(runDir, model),
    {
      dtype: "F32",
    },
  );
}

export async function loadRunModel(runDir: string, model: RunModel): Promise<Policy> {
  const ckpt = await openHfCheckpoint(modelDir(runDir, model));
  try {
    return new Policy(ckpt.model.config, await loadParams(ckpt), ckpt.tokenizer);
  } finally {
    await ckpt.weights.close();
  }
}

export async function saveCalibration(runDir: string, calibration: RunCalibration): Promise<void> {
  await writeFile(join(runDir, "calibration.json"), `${JSON.stringify(calibration, null, 2)}\n`);
}

export async function loadCalibration(runDir: string): Promise<RunCalibration> {
  const path = join(runDir, "calibration.json");
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new Error(
      `${path} could not be read (${(error as Error).message}); is ${runDir} a finished pipeline run?`,
    );
  }
  const c = data as Partial<RunCalibration>;
  const finite = (x: unknown) => typeof x === "number" && Number.isFinite(x);
  const ok =
    c.version === 1 &&
    finite(c.budget) &&
    finite(c.seed) &&
    Array.isArray(c.router?.weights) &&
    finite(c.router?.threshold) &&
    finite(c.marginThresholds?.gapg) &&
    finite(c.marginThresholds?.["collab-aware"]);
  if (!ok) throw new Error(`${path} is not a version 1 run calibration.`);
  return c as RunCalibration;
}
