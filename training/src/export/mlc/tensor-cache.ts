/**
 * Writes MLC weight shards (params_shard_N.bin) and their manifest (tensor-cache.json, and the same
 * content as ndarray-cache.json for web-llm <= 0.2.79). Tensors stream in as byte chunks; a shard
 * closes before ~32 MiB as MLC's converter does, and a tensor larger than that gets a shard of its
 * own. A SHA-256 of all shard bytes comes out too, to version the weights' URL.
 */

import { createHash } from "node:crypto";
import { type FileHandle, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MlcTensor } from "./plan";

export const DEFAULT_SHARD_BYTES = 32 * 1024 * 1024;

export interface TensorCacheRecord {
  name: string;
  shape: number[];
  dtype: string;
  format: "raw";
  nbytes: number;
  byteOffset: number;
}

export interface TensorCacheShard {
  dataPath: string;
  format: "raw-shard";
  nbytes: number;
  records: TensorCacheRecord[];
}

export interface TensorCache {
  metadata: { ParamSize: number; ParamBytes: number; BitsPerParam: number };
  records: TensorCacheShard[];
}

export const MANIFEST_FILES = ["tensor-cache.json", "ndarray-cache.json"] as const;

const DTYPE_BYTES: Record<MlcTensor["dtype"], number> = { uint32: 4, float16: 2, float32: 4 };

export const tensorBytes = (t: MlcTensor): number =>
  t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];

export class TensorCacheWriter {
  private readonly shards: TensorCacheShard[] = [];
  private file: FileHandle | undefined;
  private current: TensorCacheRecord | undefined;
  private written = 0;
  private sealed = false;
  private readonly hash = createHash("sha256");

  constructor(
    private readonly dir: string,
    private readonly maxShardBytes = DEFAULT_SHARD_BYTES,
  ) {}

  private get shard(): TensorCacheShard | undefined {
    return this.shards[this.shards.length - 1];
  }

  private async newShard(): Promise<void> {
    await this.file?.close();
    const dataPath = `params_shard_${this.shards.length}.bin`;
    this.shards.push({ dataPath, format: "raw-shard", nbytes: 0, records: [] });
    this.file = await open(join(this.dir, dataPath), "w");
  }

  /** Starts a tensor; its bytes follow through `write`, `end` checks they add up. */
  async begin(t: MlcTensor): Promise<void> {
    if (this.current) throw new Error(`Tensor ${this.current.name} was not ended.`);
    const nbytes = tensorBytes(t);
    const shard = this.shard;
    // A tensor larger than a shard gets one of its own (nothing before it, nothing after it).
    if (!shard || this.sealed || (shard.nbytes > 0 && shard.nbytes + nbytes > this.maxShardBytes)) {
      await this.newShard();
      this.sealed = false;
    }
    const s = this.shard!;
    this.current = {
      name: t.name,
      shape: t.shape,
      dtype: t.dtype,
      format: "raw",
      nbytes,
      byteOffset: s.nbytes,
    };
    s.records.push(this.current);
    s.nbytes += nbytes;
    this.written = 0;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const t = this.current;
    if (!t) throw new Error("write() outside a tensor.");
    if (this.written + bytes.length > t.nbytes)
      throw new Error(`${t.name}: more bytes than its shape holds.`);
    this.hash.update(bytes);
    await this.file!.write(bytes);
    this.written += bytes.length;
  }

  async end(): Promise<void> {
    const t = this.current;
    if (!t) throw new Error("end() outside a tensor.");
    if (this.written !== t.nbytes)
      throw new Error(`${t.name}: wrote ${this.written} bytes, its shape needs ${t.nbytes}.`);
    this.current = undefined;
    if (t.nbytes > this.maxShardBytes) this.sealed = true;
  }

  /** Closes the last shard, writes both manifests; `paramCount` is the unquantized parameter count. */
  async finish(paramCount: number): Promise<{ cache: TensorCache; sha256: string }> {
    await this.file?.close();
    this.file = undefined;
    const shards = this.shards;
    const bytes = shards.reduce((n, s) => n + s.nbytes, 0);
    const cache: TensorCache = {
      metadata: { ParamSize: paramCount, ParamBytes: bytes, BitsPerParam: (bytes * 8) / paramCount },
      records: shards,
    };
    const json = JSON.stringify(cache, null, 1);
    for (const f of MANIFEST_FILES) await writeFile(join(this.dir, f), json);
    return { cache, sha256: this.hash.digest("hex") };
  }
}
