/**
 * A Hugging Face checkpoint's weights: one `model.safetensors`, or shards listed by
 * `model.safetensors.index.json` ({"weight_map": {tensor: file}}). Opens every file's header and
 * reads tensors positionally, so nothing is loaded until asked for.
 */

import { access, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  DTYPE_BYTES,
  elementCount,
  type SafetensorsDtype,
  SafetensorsFile,
  type TensorToWrite,
  writeSafetensors,
} from "./safetensors";
import type { TensorInfo, TensorSource } from "./tensor-source";

export const SINGLE_FILE = "model.safetensors";
export const INDEX_FILE = "model.safetensors.index.json";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export async function openSafetensorsCheckpoint(
  dir: string,
): Promise<TensorSource & { dtypes: ReadonlyMap<string, SafetensorsDtype> }> {
  let files: string[];
  if (await exists(join(dir, INDEX_FILE))) {
    const index = JSON.parse(await readFile(join(dir, INDEX_FILE), "utf8")) as {
      weight_map?: Record<string, string>;
    };
    if (!index.weight_map) throw new Error(`${join(dir, INDEX_FILE)} has no weight_map.`);
    files = [...new Set(Object.values(index.weight_map))];
  } else if (await exists(join(dir, SINGLE_FILE))) {
    files = [SINGLE_FILE];
  } else {
    throw new Error(
      `${dir} has neither ${SINGLE_FILE} nor ${INDEX_FILE}: it is not a Hugging Face safetensors checkpoint.`,
    );
  }
  const opened: SafetensorsFile[] = [];
  try {
    for (const f of files) opened.push(await SafetensorsFile.open(join(dir, f)));
  } catch (e) {
    await Promise.all(opened.map((f) => f.close()));
    throw e;
  }
  const owner = new Map<string, SafetensorsFile>();
  const tensors: TensorInfo[] = [];
  const dtypes = new Map<string, SafetensorsDtype>();
  for (const file of opened) {
    for (const e of file.entries.values()) {
      if (owner.has(e.name))
        throw new Error(`Tensor ${e.name} is in both ${owner.get(e.name)!.path} and ${file.path}.`);
      owner.set(e.name, file);
      tensors.push({ name: e.name, shape: e.shape });
      dtypes.set(e.name, e.dtype);
    }
  }
  return {
    tensors,
    dtypes,
    read(name, start, end) {
      const file = owner.get(name);
      if (!file) throw new Error(`The checkpoint in ${dir} has no tensor ${name}.`);
      return file.read(name, start, end);
    },
    async close() {
      await Promise.all(opened.map((f) => f.close()));
    },
  };
}

/**
 * Writes `model.safetensors`, or shards of at most `maxShardBytes` named like transformers does
 * (`model-00001-of-00003.safetensors`) plus the index. Returns the file names written.
 */
export async function writeSafetensorsCheckpoint(
  dir: string,
  tensors: readonly TensorToWrite[],
  { dtype = "F32", maxShardBytes = 5e9 }: { dtype?: SafetensorsDtype; maxShardBytes?: number } = {},
): Promise<string[]> {
  const shards: TensorToWrite[][] = [[]];
  let shardBytes = 0;
  let total = 0;
  for (const t of tensors) {
    const bytes = elementCount(t.shape) * DTYPE_BYTES[dtype];
    if (shardBytes > 0 && shardBytes + bytes > maxShardBytes) {
      shards.push([]);
      shardBytes = 0;
    }
    shards[shards.length - 1]!.push(t);
    shardBytes += bytes;
    total += bytes;
  }
  const metadata = { format: "pt" };
  if (shards.length === 1) {
    await writeSafetensors(join(dir, SINGLE_FILE), tensors, { dtype, metadata });
    return [SINGLE_FILE];
  }
  const n = String(shards.length).padStart(5, "0");
  const names = shards.map((_, i) => `model-${String(i + 1).padStart(5, "0")}-of-${n}.safetensors`);
  const weightMap: Record<string, string> = {};
  for (const [i, shard] of shards.entries()) {
    await writeSafetensors(join(dir, names[i]!), shard, { dtype, metadata });
    for (const t of shard) weightMap[t.name] = names[i]!;
  }
  await writeFile(
    join(dir, INDEX_FILE),
    `${JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2)}\n`,
  );
  return [...names, INDEX_FILE];
}
