import type { TokenChunk } from "./types";

/** Turns one stream delta plus the ids sampled for it into chunks, the text on the last one. */
export function chunksFor(text: string, ids: readonly number[]): TokenChunk[] {
  if (ids.length === 0) return text ? [{ text }] : [];
  return ids.map((tokenId, i) => ({ text: i === ids.length - 1 ? text : "", tokenId }));
}
