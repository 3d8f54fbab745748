/**
 * `train gapg --base DIR`: GAPG post-training of a real instruct checkpoint (a Hugging Face folder,
 * Qwen2/Qwen2.5 layout with ChatML tokens) with LoRA adapters on a frozen base, as the paper tunes
 * its instruct models. The run folder gets: checkpoints/ (resumable), steps.jsonl, the offload bias
 * calibrated on validation prompts to the budget and the held-out evaluation at it, the PEFT
 * adapter (adapter/), and the merged model as safetensors (model/), GGUF f16 and MLC q4f16_1 +
 * q4f32_1, each with the model card the app reads.
 */

import { appendFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { loadParams, openHfCheckpoint } from "../checkpoint/hf-folder";
import { saveLora } from "../checkpoint/peft-adapter";
import type { CloudOracle } from "../cloud/oracle";
import { budgetThreshold, offloadScore } from "../eval/decision";
import { outcomesWithProgress, type PromptOutcome } from "../eval/outcomes";
import { systemResult } from "../eval/system-result";
import { type ExportModel, policyExportModel } from "../export/export-model";
import { writeGgufFile } from "../export/gguf";
import { modelToGguf } from "../export/gguf-model";
import { exportHfSafetensors } from "../export/hf-safetensors";
import { exportMlc } from "../export/mlc/export";
import { matchingLibrary } from "../export/mlc/model-record";
import type { ModelCard } from "../export/model-card";
import { initLora, LORA_TARGETS, type LoraConfig, type LoraParams } from "../model/lora";
import type { Params } from "../model/qwen2";
import { progressBar } from "../report/progress-bar";
import type { Sampler } from "../rollout/sampler";
import { taskFor } from "../tasks/index";
import { OFFLOAD_TOKEN, USER_TEMPLATE } from "../tasks/prompt-format";
import { splitBySeed } from "../tasks/splits";
import type { TaskExample, TaskName } from "../tasks/types";
import { Policy } from "./policy";
import { DEFAULT_GAPG, type GapgConfig, type StepLog, trainGapg } from "./trainer";

/** The paper's settings for 1.5-3B instruct checkpoints: lr 5e-6, 32 prompts x 8 samples, alpha_c 0.25. */
export const CHECKPOINT_GAPG: GapgConfig = {
  ...DEFAULT_GAPG,
  promptsPerBatch: 32,
  groupSize: 8,
  steps: 200,
  lr: 5e-6,
  maxNewTokens: 256,
  microBatch: 8,
};

export const DEFAULT_LORA: LoraConfig = { rank: 16, alpha: 32, targets: LORA_TARGETS };

export interface CheckpointRunOptions {
  /** The Hugging Face folder of the instruct checkpoint. */
  base: string;
  task: TaskName;
  /** Every example of the data file: 10% held out for the test, `validationPrompts` for calibration. */
  examples: readonly TaskExample[];
  validationPrompts: number;
  lora: LoraConfig;
  gapg: GapgConfig;
  /** The share of prompts the offload bias is calibrated to send to the cloud. */
  budget: number;
  /** Longest answer when evaluating. */
  evalTokens: number;
  out: string;
  resume: boolean;
  /** How the run was started, for the card's provenance. */
  command: string;
  sampler: Sampler;
  /** The MLC exports' model library (needed for shapes no prebuilt web-llm library takes) and base URL. */
  mlc: { modelLib?: string; baseUrl?: string };
  log: (line: string) => void;
}

export interface CheckpointRunResult {
  logs: StepLog[];
  bias: number;
  evaluation: ModelCard["provenance"]["evaluation"];
  files: string[];
}

/** The card's evaluation: the system's result when offloading wherever score + bias > 0. */
function evaluateAtBias(
  outcomes: readonly PromptOutcome[],
  bias: number,
): ModelCard["provenance"]["evaluation"] {
  const r = systemResult(
    outcomes,
    outcomes.map((o) => offloadScore(o) + bias > 0),
  );
  return {
    testPrompts: r.n,
    systemAccuracy: r.systemAccuracy,
    cloudRate: r.cloudRate,
    localAccuracy: r.localAccuracy,
  };
}

export async function trainCheckpoint(
  o: CheckpointRunOptions,
  oracle: CloudOracle,
): Promise<CheckpointRunResult> {
  const ckpt = await openHfCheckpoint(o.base);
  let params: Params | undefined;
  let adapters: LoraParams | undefined;
  try {
    const config = ckpt.model.config;
    params = await loadParams(ckpt);
    adapters = initLora(config, params, o.lora, o.gapg.seed);
    const policy = new Policy(config, params, ckpt.tokenizer, adapters);
    policy.sampler = o.sampler;
    const { train: rest, test } = splitBySeed([...o.examples], 0.1, o.gapg.seed);
    const validation = rest.slice(0, o.validationPrompts);
    const train = rest.slice(o.validationPrompts);
    if (train.length === 0 || test.length === 0)
      throw new Error(
        `${o.examples.length} examples leave no training or test prompts after ${o.validationPrompts} validation prompts.`,
      );
    const task = taskFor(o.task);

    await mkdir(o.out, { recursive: true });
    const stepsPath = join(o.out, "steps.jsonl");
    if (!o.resume) await writeFile(stepsPath, "");
    const bar = progressBar("gapg (LoRA)");
    const logs = await trainGapg(
      policy,
      task,
      oracle,
      train,
      o.gapg,
      (s) => {
        appendFileSync(stepsPath, `${JSON.stringify(s)}\n`);
        bar.update(
          s.step,
          o.gapg.steps,
          `reward ${s.rewardMean.toFixed(2)} cloud ${(100 * s.cloudRate).toFixed(0)}% rollout ${s.rolloutSeconds.toFixed(1)} s learner ${s.learnerSeconds.toFixed(1)} s`,
        );
      },
      { dir: join(o.out, "checkpoints"), every: 10, resume: o.resume },
    );
    bar.finish();

    const scores = (
      await outcomesWithProgress("validation", policy, task, oracle, validation, o.evalTokens)
    ).map(offloadScore);
    const bias = -budgetThreshold(scores, o.budget);
    const evaluation = evaluateAtBias(
      await outcomesWithProgress("test", policy, task, oracle, test, o.evalTokens),
      bias,
    );
    const offloadTokenId = ckpt.offloadTokenId;
    const name = basename(resolve(o.base));
    const card: ModelCard = {
      format: "tandem.card",
      version: 1,
      summary:
        `${name} post-trained here with GAPG (LoRA rank ${o.lora.rank}) on ${o.task}: ` +
        `${(100 * evaluation.systemAccuracy).toFixed(1)}% accuracy at ${(100 * evaluation.cloudRate).toFixed(0)}% cloud ` +
        `on ${evaluation.testPrompts} held-out prompts.`,
      userTemplate: USER_TEMPLATE,
      singleTurn: true,
      stopTokens: [policy.chatFormat.endOfTurn],
      offload: { token: OFFLOAD_TOKEN, tokenId: offloadTokenId, bias, budget: o.budget },
      decoding: { temperature: 0, maxTokens: o.evalTokens },
      provenance: {
        method:
          "GAPG with LoRA (group-level policy gradient, hierarchical rewards, adaptive prompt filtering)",
        task: o.task,
        command: o.command,
        date: new Date().toISOString().slice(0, 10),
        seed: o.gapg.seed,
        evaluation,
      },
      examples: [],
    };
    const files = await exportTrained(policy, ckpt, card, o, name);
    return { logs, bias, evaluation, files };
  } finally {
    // A 0.5B base is half the wasm heap: free it for whatever runs next in this process.
    adapters?.dispose();
    for (const v of params?.values() ?? []) v.dispose();
    await ckpt.weights.close();
  }
}

/** The adapter (PEFT) and the merged model in every format the app and Hugging Face read. */
async function exportTrained(
  policy: Policy,
  ckpt: Omit<ExportModel, "weights">,
  card: ModelCard,
  o: CheckpointRunOptions,
  name: string,
): Promise<string[]> {
  const m: ExportModel = {
    model: ckpt.model,
    tokenizerJson: ckpt.tokenizerJson,
    tokenizer: ckpt.tokenizer,
    ...(ckpt.offloadTokenId !== undefined ? { offloadTokenId: ckpt.offloadTokenId } : {}),
    weights: policyExportModel(ckpt.model.config, policy.params, ckpt.tokenizer, policy.adapters).weights,
  };
  const out = (f: string) => join(o.out, f);
  await saveLora(out("adapter"), policy.adapters!, { baseModel: o.base });
  await exportHfSafetensors(m, out("model"), { dtype: "BF16" });
  await writeGgufFile(
    out(`${name}-gapg-f16.gguf`),
    modelToGguf(m, { type: "f16", name: `${name}-gapg`, card }),
  );
  await writeFile(out("model-card.json"), `${JSON.stringify(card, null, 2)}\n`);
  const files = ["adapter", "model", `${name}-gapg-f16.gguf`, "model-card.json"];
  if (o.mlc.modelLib || matchingLibrary(m.model)) {
    for (const quant of ["q4f16_1", "q4f32_1"] as const) {
      await exportMlc(m, out(`mlc-${quant}`), { quant, name: `${name}-gapg`, card, ...o.mlc });
      files.push(`mlc-${quant}`);
    }
  } else
    o.log(
      `no MLC export: no prebuilt web-llm library takes these shapes; pass --model-lib with one compiled for them.`,
    );
  return files;
}
