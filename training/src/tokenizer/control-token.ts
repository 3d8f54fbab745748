/**
 * Adds a control token such as `<|offload|>` to a Hugging Face tokenizer.json at the first
 * embedding row that no token uses, below the model's vocab_size, so no weight changes shape
 * (Qwen2.5 has 271 such rows after its last added token).
 */

import { addedTokenJson } from "./bpe-tokenizer";

export const OFFLOAD_TOKEN = "<|offload|>";

interface TokenizerJsonShape {
  added_tokens?: Array<{ id: number; content: string }>;
  model?: { vocab?: Record<string, number> };
}

/** Ids that the tokenizer already gives a meaning to. */
export function usedTokenIds(json: object): Set<number> {
  const o = json as TokenizerJsonShape;
  const used = new Set<number>(Object.values(o.model?.vocab ?? {}));
  for (const t of o.added_tokens ?? []) used.add(t.id);
  return used;
}

/**
 * The tokenizer.json with `content` as a special added token, and its id. A token that is already
 * there keeps its id (added: false). Throws when every row below `vocabSize` is taken.
 */
export function withControlToken(
  json: object,
  content: string,
  vocabSize: number,
): { json: object; id: number; added: boolean } {
  const o = json as TokenizerJsonShape;
  const existing = (o.added_tokens ?? []).find((t) => t.content === content) ?? undefined;
  const inVocab = o.model?.vocab?.[content];
  if (existing) return { json, id: existing.id, added: false };
  if (inVocab !== undefined) return { json, id: inVocab, added: false };
  const used = usedTokenIds(json);
  let id = 0;
  while (used.has(id)) id++;
  if (id >= vocabSize) {
    throw new Error(
      `No free embedding row for ${content}: the tokenizer uses every id below vocab_size ${vocabSize}.`,
    );
  }
  const token = addedTokenJson(id, content, true);
  return { json: { ...json, added_tokens: [...(o.added_tokens ?? []), token] }, id, added: true };
}
