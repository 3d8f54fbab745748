/**
 * A model as a Hugging Face folder: config.json, tokenizer.json (with the offload token) and
 * model.safetensors (or shards + index) in F32, F16 or BF16, which transformers and our own loader
 * read back.
 */

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toHfConfig } from "../checkpoint/hf-config";
import type { SafetensorsDtype } from "../checkpoint/safetensors";
import { writeSafetensorsCheckpoint } from "../checkpoint/sharded";
import { rowBlocks } from "../checkpoint/tensor-source";
import type { ExportModel } from "./export-model";

const TORCH_DTYPE = { F32: "float32", F16: "float16", BF16: "bfloat16" } as const;

export async function exportHfSafetensors(
  m: ExportModel,
  outDir: string,
  { dtype, maxShardBytes }: { dtype: SafetensorsDtype; maxShardBytes?: number },
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  await writeFile(
    join(outDir, "config.json"),
    `${JSON.stringify(toHfConfig(m.model, TORCH_DTYPE[dtype]), null, 2)}\n`,
  );
  await writeFile(join(outDir, "tokenizer.json"), JSON.stringify(m.tokenizerJson));
  const tensors = m.weights.tensors.map(({ name, shape }) => ({
    name,
    shape,
    data: () => rowBlocks(m.weights, name),
  }));
  const files = await writeSafetensorsCheckpoint(outDir, tensors, {
    dtype,
    ...(maxShardBytes ? { maxShardBytes } : {}),
  });
  return ["config.json", "tokenizer.json", ...files];
}
