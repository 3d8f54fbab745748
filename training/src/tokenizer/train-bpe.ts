/**
 * Byte-level BPE training: the corpus is cut around the special and added tokens and pre-tokenized
 * with Qwen2's regex, unique words are counted, and the most frequent adjacent pair is merged until
 * the vocabulary is full. Pair counts are updated only for the words a merge touches; a heap with
 * stale-entry skipping finds the next pair. Ties go to the lexicographically smallest pair.
 */

import { AddedTokenSplitter } from "./added-tokens";
import type { Merge } from "./bpe-model";
import { BpeTokenizer } from "./bpe-tokenizer";
import { BYTE_TO_CHAR } from "./byte-level";
import { Heap } from "./heap";
import { preTokenizerFromJSON, QWEN2_PRE_TOKENIZER } from "./pre-tokenizer";

export interface TrainBpeOptions {
  /** All ids: 256 byte tokens, the merged tokens, then the special and added tokens. */
  vocabSize: number;
  /** Control tokens (special in tokenizer.json), e.g. `<|im_end|>`. */
  specialTokens?: readonly string[];
  /** Plain added tokens (not special), e.g. `<think>`. */
  addedTokens?: readonly string[];
  /** Pairs seen fewer times stop the training (default 2), so a small corpus may give fewer ids. */
  minFrequency?: number;
}

interface Word {
  symbols: number[];
  count: number;
}

interface Candidate {
  count: number;
  left: number;
  right: number;
}

const utf8 = new TextEncoder();

function countWords(corpus: readonly string[], extra: readonly string[]): Map<string, number> {
  const splitter = new AddedTokenSplitter(extra.map((content, id) => ({ id, content, special: false })));
  const preTokenize = preTokenizerFromJSON(QWEN2_PRE_TOKENIZER);
  const counts = new Map<string, number>();
  for (const text of corpus) {
    for (const part of splitter.split(text, true)) {
      if (typeof part === "number") continue;
      for (const piece of preTokenize(part)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
    }
  }
  return counts;
}

export function trainBpe(corpus: readonly string[], options: TrainBpeOptions): BpeTokenizer {
  const { vocabSize, specialTokens = [], addedTokens = [], minFrequency = 2 } = options;
  const extra = [...specialTokens, ...addedTokens];
  if (new Set(extra).size !== extra.length) throw new Error("Special and added tokens must be distinct.");
  const modelSize = vocabSize - extra.length;
  if (!Number.isInteger(vocabSize) || modelSize < 256) {
    throw new RangeError(
      `vocabSize ${vocabSize} leaves no room for the 256 byte tokens and ${extra.length} more.`,
    );
  }

  // Base vocabulary: the byte-level characters in code point order, as GPT-2 and Qwen2 number them.
  const tokens = [...BYTE_TO_CHAR].sort();
  const ids = new Map(tokens.map((t, i) => [t, i]));
  const byteIds = BYTE_TO_CHAR.map((c) => ids.get(c)!);
  const words: Word[] = [...countWords(corpus, extra)].map(([text, count]) => ({
    symbols: Array.from(utf8.encode(text), (b) => byteIds[b]!),
    count,
  }));

  const key = (left: number, right: number) => left * vocabSize + right;
  const pairCounts = new Map<number, number>();
  const where = new Map<number, Set<number>>(); // pair -> words that may hold it
  let changed = new Set<number>();
  const addPairs = (w: number, sign: 1 | -1) => {
    const { symbols, count } = words[w]!;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const k = key(symbols[i]!, symbols[i + 1]!);
      const c = (pairCounts.get(k) ?? 0) + sign * count;
      if (c === 0) pairCounts.delete(k);
      else pairCounts.set(k, c);
      changed.add(k);
      if (sign > 0) {
        const set = where.get(k);
        if (set) set.add(w);
        else where.set(k, new Set([w]));
      }
    }
  };
  const queue = new Heap<Candidate>((x, y) => {
    if (x.count !== y.count) return x.count > y.count;
    const [xl, yl, xr, yr] = [tokens[x.left]!, tokens[y.left]!, tokens[x.right]!, tokens[y.right]!];
    return xl !== yl ? xl < yl : xr < yr;
  });
  const offerChanged = () => {
    for (const k of changed) {
      const count = pairCounts.get(k);
      if (count !== undefined) queue.push({ count, left: Math.floor(k / vocabSize), right: k % vocabSize });
    }
    changed = new Set();
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);
  offerChanged();

  const merges: Merge[] = [];
  while (tokens.length < modelSize) {
    const best = queue.pop();
    if (best === undefined || best.count < minFrequency) break;
    const k = key(best.left, best.right);
    if (pairCounts.get(k) !== best.count) continue; // stale
    const text = tokens[best.left]! + tokens[best.right]!;
    let merged = ids.get(text);
    if (merged === undefined) {
      merged = tokens.push(text) - 1;
      ids.set(text, merged);
    }
    merges.push([tokens[best.left]!, tokens[best.right]!]);
    for (const w of where.get(k) ?? []) {
      const { symbols } = words[w]!;
      addPairs(w, -1);
      const out: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        const pair = i + 1 < symbols.length && symbols[i] === best.left && symbols[i + 1] === best.right;
        out.push(pair ? merged : symbols[i]!);
        if (pair) i++;
      }
      words[w]!.symbols = out;
      addPairs(w, 1);
    }
    where.delete(k);
    offerChanged();
  }

  return new BpeTokenizer({
    vocab: ids,
    merges,
    addedTokens: extra.map((content, i) => ({
      id: tokens.length + i,
      content,
      special: i < specialTokens.length,
    })),
  });
}
