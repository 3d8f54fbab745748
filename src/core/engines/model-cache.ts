/**
 * What each model occupies in the browser's caches, and deleting it. GGUF files live in our own
 * Cache Storage bucket (model-file.ts); web-llm keeps MLC weights in its own "webllm/*" buckets,
 * keyed by the file URLs under the model's URL.
 */

import { modelCaches } from "./cache-storage";
import { MODEL_CACHE_NAME } from "./model-file";
import type { ModelSpec } from "./types";

const WEBLLM_CACHES = ["webllm/model", "webllm/config", "webllm/wasm"];

function cachesFor(spec: ModelSpec): { names: string[]; matches: (url: string) => boolean } {
  if (spec.kind === "gguf") return { names: [MODEL_CACHE_NAME], matches: (url) => url === spec.url };
  const prefix = spec.record.model.endsWith("/") ? spec.record.model : `${spec.record.model}/`;
  return { names: WEBLLM_CACHES, matches: (url) => url.startsWith(prefix) || url === spec.record.model_lib };
}

async function entries(spec: ModelSpec): Promise<Array<{ cache: Cache; request: Request }>> {
  const storage = modelCaches();
  if (!storage) return [];
  const { names, matches } = cachesFor(spec);
  const found: Array<{ cache: Cache; request: Request }> = [];
  for (const name of names) {
    if (!(await storage.has(name))) continue;
    const cache = await storage.open(name);
    for (const request of await cache.keys()) if (matches(request.url)) found.push({ cache, request });
  }
  return found;
}

async function sizeOf(response: Response | undefined): Promise<number> {
  if (!response) return 0;
  const header = Number(response.headers.get("content-length"));
  return Number.isFinite(header) && header > 0 ? header : (await response.blob()).size;
}

/** Bytes this model's files take in the browser's caches (0 when not cached). */
export async function cachedBytes(spec: ModelSpec): Promise<number> {
  let total = 0;
  for (const { cache, request } of await entries(spec)) total += await sizeOf(await cache.match(request));
  return total;
}

export async function deleteCachedModel(spec: ModelSpec): Promise<void> {
  for (const { cache, request } of await entries(spec)) await cache.delete(request);
}

export interface StorageEstimate {
  usedBytes: number;
  quotaBytes: number;
  persisted: boolean;
}

export async function storageEstimate(): Promise<StorageEstimate | undefined> {
  if (typeof navigator === "undefined" || !navigator.storage?.estimate) return undefined;
  const e = await navigator.storage.estimate();
  const persisted = (await navigator.storage.persisted?.()) ?? false;
  return { usedBytes: e.usage ?? 0, quotaBytes: e.quota ?? 0, persisted };
}
