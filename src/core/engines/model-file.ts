/**
 * Downloads a model file with byte-level progress, keeping a copy in the browser's Cache Storage
 * so the next load needs no network. A file is validated before it is cached, so a corrupt
 * download is never kept.
 */

import { modelCaches } from "./cache-storage";
import { type LoadProgress, ModelLoadError } from "./types";

export const MODEL_CACHE_NAME = "tandem-models-v1";

export interface ModelFile<T> {
  blob: Blob;
  fromCache: boolean;
  /** What `validate` found in the file. */
  checked: T;
  /** Set when the file works but could not be stored for offline use. */
  cacheError?: string;
}

/** Undefined where there is no Cache Storage, or the browser refuses it (e.g. a cross-site iframe). */
async function openCache(cacheName: string): Promise<Cache | undefined> {
  const storage = modelCaches();
  if (!storage) return undefined;
  try {
    return await storage.open(cacheName);
  } catch {
    return undefined;
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === "AbortError";
}

async function download(
  url: string,
  onProgress: (p: LoadProgress) => void,
  signal?: AbortSignal,
): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (e) {
    if (isAbort(e)) throw new ModelLoadError("The download was cancelled.", "aborted");
    throw new ModelLoadError(
      `Could not download the model from ${url}: the network request failed (offline?).`,
      "network",
    );
  }
  if (!response.ok || !response.body) {
    throw new ModelLoadError(
      `Could not download the model from ${url}: the server answered ${response.status}.`,
      "network",
    );
  }
  const header = Number(response.headers.get("content-length"));
  const totalBytes = Number.isFinite(header) && header > 0 ? header : undefined;
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let loadedBytes = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      loadedBytes += value.length;
      onProgress({ phase: "download", loadedBytes, ...(totalBytes ? { totalBytes } : {}), fromCache: false });
    }
  } catch (_e) {
    if (signal?.aborted) throw new ModelLoadError("The download was cancelled.", "aborted");
    throw new ModelLoadError(
      `The model download from ${url} was interrupted after ${loadedBytes} bytes.`,
      "network",
    );
  }
  return new Blob(parts);
}

/**
 * Returns the model bytes, from the cache when present, with the result of `validate`. It runs
 * before anything is cached; a cached copy that no longer validates is evicted and downloaded again.
 */
export async function fetchModelFile<T>(
  url: string,
  options: {
    onProgress?: (p: LoadProgress) => void;
    signal?: AbortSignal;
    validate: (blob: Blob) => Promise<T>;
    cacheName?: string;
  },
): Promise<ModelFile<T>> {
  const onProgress = options.onProgress ?? (() => {});
  const cache = await openCache(options.cacheName ?? MODEL_CACHE_NAME);
  const cached = await cache?.match(url);
  if (cached) {
    const blob = await cached.blob();
    try {
      const checked = await options.validate(blob);
      onProgress({ phase: "download", loadedBytes: blob.size, totalBytes: blob.size, fromCache: true });
      return { blob, fromCache: true, checked };
    } catch {
      await cache?.delete(url);
    }
  }
  const blob = await download(url, onProgress, options.signal);
  const checked = await options.validate(blob);
  try {
    await cache?.put(url, new Response(blob, { headers: { "content-length": String(blob.size) } }));
    return { blob, fromCache: false, checked };
  } catch (e) {
    const quota = e instanceof DOMException && e.name === "QuotaExceededError";
    const cacheError = quota
      ? "Browser storage is full, so the model could not be saved for offline use; it works for this session. Free space by deleting cached models."
      : `The model could not be saved for offline use: ${String(e)}`;
    return { blob, fromCache: false, checked, cacheError };
  }
}
