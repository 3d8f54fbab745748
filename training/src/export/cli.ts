/**
 * `npm run export -w training -- --format mlc|gguf|safetensors --quant Q <checkpoint-dir> <out-dir>`
 * converts a local Hugging Face folder (config.json, tokenizer.json, safetensors) for an engine:
 *   mlc          q4f16_1 | q4f32_1       web-llm folder + webllm-model-record.json
 *                [--base-url URL] [--model-lib URL] [--name ID] [--context-window N]
 * --card FILE puts a model card (a pipeline run's model-card.json) into tandem-model.json or the GGUF.
 *   gguf         f32 | f16 | q8_0 | q4_0  <out-dir>/<name>-<quant>.gguf for wllama / llama.cpp
 *   safetensors  f32 | f16 | bf16         HF folder (config.json, tokenizer.json, model.safetensors)
 * `<|offload|>` is added to the tokenizer (first free row, mean embedding) when missing.
 */

import { mkdir, readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { openHfCheckpoint } from "../checkpoint/hf-folder";
import type { SafetensorsDtype } from "../checkpoint/safetensors";
import { withProgress } from "../checkpoint/tensor-source";
import { progressBar } from "../report/progress-bar";
import { writeGgufFile } from "./gguf";
import { GGUF_WEIGHT_TYPES, type GgufWeightType, modelToGguf } from "./gguf-model";
import { exportHfSafetensors } from "./hf-safetensors";
import { exportMlc } from "./mlc/export";
import { MLC_QUANTIZATIONS, type MlcQuantization } from "./mlc/plan";
import type { ModelCard } from "./model-card";

const QUANTS = {
  mlc: MLC_QUANTIZATIONS,
  gguf: GGUF_WEIGHT_TYPES,
  safetensors: ["f32", "f16", "bf16"],
} as const satisfies Record<string, readonly string[]>;

type Format = keyof typeof QUANTS;

const USAGE = `usage: export --format ${Object.keys(QUANTS).join("|")} --quant Q <checkpoint-dir> <out-dir>
  mlc:          --quant ${QUANTS.mlc.join("|")} [--base-url URL] [--model-lib URL] [--name ID] [--context-window N]
  gguf:         --quant ${QUANTS.gguf.join("|")} [--name NAME]
  safetensors:  --quant ${QUANTS.safetensors.join("|")}
  mlc, gguf:    [--card model-card.json]`;

class UsageError extends Error {}

function parse() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      format: { type: "string" },
      quant: { type: "string" },
      name: { type: "string" },
      "base-url": { type: "string" },
      "model-lib": { type: "string" },
      "context-window": { type: "string" },
      card: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const format = values.format as Format | undefined;
  if (!format || !(format in QUANTS))
    throw new UsageError(`--format must be one of ${Object.keys(QUANTS).join(", ")}.`);
  const allowed: readonly string[] = QUANTS[format];
  if (!values.quant || !allowed.includes(values.quant))
    throw new UsageError(
      `--quant ${values.quant ?? "(missing)"} is not supported for ${format}; use one of ${allowed.join(", ")}.`,
    );
  if (positionals.length !== 2) throw new UsageError("Give the checkpoint folder and the output folder.");
  const contextWindow = values["context-window"] === undefined ? undefined : Number(values["context-window"]);
  if (contextWindow !== undefined && !(Number.isInteger(contextWindow) && contextWindow > 0))
    throw new UsageError("--context-window must be a positive integer.");
  const [checkpoint, out] = positionals as [string, string];
  return { format, quant: values.quant, checkpoint, out, values, contextWindow };
}

/** A pipeline run's model-card.json, checked against the checkpoint it is meant for. */
async function readCard(path: string, offloadTokenId: number | undefined): Promise<ModelCard> {
  const card = JSON.parse(await readFile(path, "utf8")) as ModelCard;
  if (card.format !== "tandem.card" || card.offload?.tokenId !== offloadTokenId)
    throw new UsageError(
      `${path} is not the card of this checkpoint (its offload token is ${card.offload?.tokenId}, the checkpoint's ${offloadTokenId}).`,
    );
  return card;
}

async function main(): Promise<void> {
  const { format, quant, checkpoint, out, values, contextWindow } = parse();
  const ckpt = await openHfCheckpoint(checkpoint);
  const name = values.name ?? basename(resolve(checkpoint));
  const c = ckpt.model.config;
  console.error(
    `${checkpoint}: ${ckpt.model.architecture}, ${c.numLayers} layers, hidden ${c.hiddenSize}, vocab ${c.vocabSize}; ` +
      `<|offload|> = ${ckpt.offloadTokenId}${ckpt.offloadAdded ? " (added)" : ""}`,
  );
  // done counts float32 parameters read.
  const bar = progressBar(`${format} ${quant}`, {
    rate: (done, s) => `${((done * 4) / 1e6 / s).toFixed(0)} MB/s`,
  });
  const model = { ...ckpt, weights: withProgress(ckpt.weights, bar.update) };
  const card = values.card ? await readCard(values.card, ckpt.offloadTokenId) : undefined;
  const t0 = performance.now();
  try {
    if (format === "mlc") {
      const { record, files } = await exportMlc(model, out, {
        quant: quant as MlcQuantization,
        name,
        ...(values["base-url"] ? { baseUrl: values["base-url"] } : {}),
        ...(values["model-lib"] ? { modelLib: values["model-lib"] } : {}),
        ...(contextWindow ? { contextWindow } : {}),
        ...(card ? { card } : {}),
      });
      bar.finish();
      console.error(`wrote ${files.length} files to ${out}; serve them at ${record.model}`);
    } else if (format === "gguf") {
      await mkdir(out, { recursive: true });
      const path = join(out, `${name}-${quant}.gguf`);
      const bytes = await writeGgufFile(
        path,
        modelToGguf(model, { type: quant as GgufWeightType, name, ...(card ? { card } : {}) }),
      );
      bar.finish();
      console.error(`wrote ${path} (${(bytes / 1e6).toFixed(1)} MB)`);
    } else {
      const files = await exportHfSafetensors(model, out, { dtype: quant.toUpperCase() as SafetensorsDtype });
      bar.finish();
      console.error(`wrote ${files.join(", ")} to ${out}`);
    }
    console.error(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await ckpt.weights.close();
  }
}

try {
  await main();
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`error: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
