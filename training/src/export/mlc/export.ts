/**
 * A web-llm model folder: params_shard_*.bin, tensor-cache.json + ndarray-cache.json,
 * mlc-chat-config.json, tokenizer.json (with the offload token) and webllm-model-record.json, the
 * ModelRecord to put in web-llm's appConfig once the folder is served at the record's `model` URL.
 */

import { mkdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { type ExportModel, parameterCount } from "../export-model";
import type { ModelCard } from "../model-card";
import { DEFAULT_CONTEXT_WINDOW, mlcChatConfig } from "./chat-config";
import { resolveModelLib, type WebLlmRecord, webLlmRecord } from "./model-record";
import { type MlcQuantization, planMlcParams } from "./plan";
import { DEFAULT_SHARD_BYTES, MANIFEST_FILES, type TensorCache, TensorCacheWriter } from "./tensor-cache";
import { writeMlcWeights } from "./weights";

export const RECORD_FILE = "webllm-model-record.json";
/** What the Tandem app loads (Models -> model URL): the record plus the offload token's id. */
export const TANDEM_MODEL_FILE = "tandem-model.json";

export interface MlcExportOptions {
  quant: MlcQuantization;
  /** Model id prefix (default: the output folder's name); a hash of the weights is appended. */
  name?: string;
  /** Where the folder will be served: the record's model URL is `<baseUrl>/<id>/resolve/main/`. */
  baseUrl?: string;
  modelLib?: string;
  contextWindow?: number;
  maxShardBytes?: number;
  /** The model card (how to prompt it, its offload bias, provenance), for tandem-model.json. */
  card?: ModelCard;
}

export interface MlcExportResult {
  files: string[];
  record: WebLlmRecord;
  cache: TensorCache;
}

export async function exportMlc(
  m: ExportModel,
  outDir: string,
  options: MlcExportOptions,
): Promise<MlcExportResult> {
  const { quant, contextWindow = DEFAULT_CONTEXT_WINDOW } = options;
  const params = planMlcParams(m.model.architecture, m.model.config);
  const modelLib = resolveModelLib(m.model, quant, options.modelLib);
  await mkdir(outDir, { recursive: true });
  const writer = new TensorCacheWriter(outDir, options.maxShardBytes ?? DEFAULT_SHARD_BYTES);
  await writeMlcWeights(m.weights, params, quant, writer);
  const { cache, sha256 } = await writer.finish(parameterCount(m.weights));
  // A model with a card was trained on the user's message alone: no system block (chat-config.ts).
  const chatConfig = mlcChatConfig(
    m.model,
    quant,
    m.tokenizer,
    m.offloadTokenId,
    contextWindow,
    !!options.card,
  );
  await writeFile(join(outDir, "mlc-chat-config.json"), `${JSON.stringify(chatConfig, null, 2)}\n`);
  await writeFile(join(outDir, "tokenizer.json"), JSON.stringify(m.tokenizerJson));
  const record = webLlmRecord({
    model: m.model,
    quant,
    modelId: `${options.name ?? basename(resolve(outDir))}-${quant}-${sha256.slice(0, 8)}`,
    baseUrl: options.baseUrl ?? "http://127.0.0.1:8080/models/",
    modelLib,
    contextWindow,
  });
  await writeFile(join(outDir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
  const spec = {
    kind: "mlc",
    id: record.model_id,
    label: `${options.name ?? basename(resolve(outDir))} (${quant}, WebGPU)`,
    ...(m.offloadTokenId !== undefined ? { offloadTokenId: m.offloadTokenId } : {}),
    ...(options.card ? { card: options.card } : {}),
    record,
  };
  await writeFile(
    join(outDir, TANDEM_MODEL_FILE),
    `${JSON.stringify({ format: "tandem.model", version: 1, spec }, null, 2)}\n`,
  );
  const shards = cache.records.map((s) => s.dataPath);
  return {
    files: [
      ...shards,
      ...MANIFEST_FILES,
      "mlc-chat-config.json",
      "tokenizer.json",
      RECORD_FILE,
      TANDEM_MODEL_FILE,
    ],
    record,
    cache,
  };
}
