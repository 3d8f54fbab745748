/**
 * Where the engines keep model files: the page's own Cache Storage, which browsers partition by
 * top-level site in a cross-site frame (each site that embeds the widget downloads the model
 * again), or, where the browser grants it, our origin's unpartitioned Cache Storage, shared by every
 * embedding site (Chrome: `document.requestStorageAccess({ caches: true })` after a click in the
 * frame). Browsers without that API keep the per-site behaviour.
 */

interface StorageAccessHandle {
  caches?: CacheStorage;
}

interface StorageAccessDocument {
  requestStorageAccess?: (types?: { caches?: boolean }) => Promise<StorageAccessHandle | undefined>;
}

let shared: CacheStorage | undefined;

/** The Cache Storage model files go to (undefined where there is none). */
export function modelCaches(): CacheStorage | undefined {
  if (shared) return shared;
  return typeof caches === "undefined" ? undefined : caches;
}

/** This page is a frame inside another site and the browser can grant unpartitioned Cache Storage. */
export function canShareModelCache(doc: Document = document): boolean {
  const framed = typeof window !== "undefined" && window.top !== window;
  return framed && typeof (doc as StorageAccessDocument).requestStorageAccess === "function";
}

/**
 * Asks the browser for our origin's unpartitioned Cache Storage (call it from a click in the frame).
 * Resolves with undefined once model files go there, or with why not in words.
 */
export async function shareModelCacheAcrossSites(doc: Document = document): Promise<string | undefined> {
  const request = (doc as StorageAccessDocument).requestStorageAccess;
  if (typeof request !== "function") return "this browser cannot share storage with embedded pages";
  let handle: StorageAccessHandle | undefined;
  try {
    handle = await request.call(doc, { caches: true });
  } catch (e) {
    const why = e instanceof Error && e.message ? `: ${e.message}` : "";
    return `the browser refused to share its storage with this embed${why}`;
  }
  if (!handle?.caches) return "the browser granted access but offers no shared Cache Storage";
  shared = handle.caches;
  return undefined;
}
