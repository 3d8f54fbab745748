/**
 * What a pipeline run leaves behind so that `eval` can rebuild its results table on any test file:
 * each method's model and router B as Hugging Face folders (models/<name>/), the held-out split
 * (test.jsonl) and calibration.json: router A's weights and every decider's scores on the validation
 * prompts (held out from RL), from which the threshold or offload bias at any budget follows.
 */

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadParams, openHfCheckpoint } from "../checkpoint/hf-folder";
import type { RouterClassifier } from "../eval/router-ngram";
import { policyExportModel } from "../export/export-model";
import { exportHfSafetensors } from "../export/hf-safetensors";
import { Policy } from "./policy";
import type { Method } from "./trainer";

/** The models a run saves: the shared warm-up, one per trained method, and router B. */
export const RUN_MODELS = ["warm-up", "task-only", "collab-aware", "gapg", "router-model"] as const;
export type RunModel = (typeof RUN_MODELS)[number];

export interface RunCalibration {
  version: 2;
  /** Share of prompts every method may send to the cloud in the results table. */
  budget: number;
  seed: number;
  /** Each decider's score on every validation prompt (offload scores for the models, router scores). */
  validation: Record<Exclude<Method, "task-only"> | "router-ngram" | "router-model", number[]>;
  /** Router A: the n-gram logistic regression's weights. */
  routerNgram: RouterClassifier["weights"];
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
  const scores = (x: unknown) => Array.isArray(x) && x.length > 0 && x.every(finite);
  const ok =
    c.version === 2 &&
    finite(c.budget) &&
    finite(c.seed) &&
    (["gapg", "collab-aware", "router-ngram", "router-model"] as const).every((k) =>
      scores(c.validation?.[k]),
    ) &&
    Number.isInteger(c.routerNgram?.vocabSize) &&
    Array.isArray(c.routerNgram?.values);
  if (!ok)
    throw new Error(
      `${path} is not a version 2 run calibration (runs from before the learned-offloading rework must be rerun).`,
    );
  return c as RunCalibration;
}
