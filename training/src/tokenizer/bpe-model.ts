/**
 * The BPE model of a byte-level tokenizer: a vocabulary and ranked merges. A piece of text becomes its
 * UTF-8 bytes' base tokens, then the adjacent pair with the lowest merge rank is merged (leftmost
 * first) until no pair has a merge, as Hugging Face's BPE does. Results are cached per piece.
 */

import { BYTE_TO_CHAR, toByteLevel } from "./byte-level";
import { Heap } from "./heap";

const CACHE_LIMIT = 100_000;
const POSITIONS = 2 ** 32; // heap keys are rank * POSITIONS + position
const utf8 = new TextEncoder();

export type Merge = readonly [string, string];

export class BpeModel {
  private readonly ranks = new Map<number, number>(); // left id * stride + right id -> rank
  private readonly mergedIds: Int32Array; // rank -> id of the merged token
  private readonly byteIds = new Int32Array(256);
  private readonly stride: number;
  private readonly cache = new Map<string, readonly number[]>();

  /** With `ignoreMerges` (Llama-3), a piece that is itself in the vocabulary is taken whole. */
  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly merges: readonly Merge[],
    readonly ignoreMerges = false,
  ) {
    let maxId = -1;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    this.stride = maxId + 1;
    this.mergedIds = new Int32Array(merges.length);
    merges.forEach(([a, b], rank) => {
      const left = vocab.get(a);
      const right = vocab.get(b);
      const merged = vocab.get(a + b);
      if (left === undefined || right === undefined || merged === undefined) {
        throw new Error(`Merge ${rank} "${a} ${b}" uses a token that is not in the vocabulary.`);
      }
      this.ranks.set(left * this.stride + right, rank);
      this.mergedIds[rank] = merged;
    });
    BYTE_TO_CHAR.forEach((c, b) => {
      this.byteIds[b] = vocab.get(c) ?? -1;
    });
  }

  /** The token ids of one pre-tokenized piece of text. */
  encodePiece(piece: string): readonly number[] {
    let ids = this.cache.get(piece);
    if (ids === undefined) {
      const whole = this.ignoreMerges ? this.vocab.get(toByteLevel(piece)) : undefined;
      ids = whole === undefined ? this.merge(utf8.encode(piece)) : [whole];
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(piece, ids);
    }
    return ids;
  }

  private rankOf(left: number, right: number): number | undefined {
    return this.ranks.get(left * this.stride + right);
  }

  private merge(bytes: Uint8Array): number[] {
    const n = bytes.length;
    const ids = Int32Array.from(bytes, (b) => {
      const id = this.byteIds[b]!;
      if (id < 0)
        throw new Error(`The vocabulary has no token for byte 0x${b.toString(16).padStart(2, "0")}.`);
      return id;
    });
    // A linked list over the symbols (merged-away ones are skipped); n and -1 mark the ends.
    const next = Int32Array.from({ length: n }, (_, i) => i + 1);
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const alive = new Uint8Array(n).fill(1);
    const queue = new Heap<number>((a, b) => a < b);
    const offer = (pos: number) => {
      if (pos < 0 || next[pos]! >= n) return;
      const right = next[pos]!;
      const rank = this.rankOf(ids[pos]!, ids[right]!);
      if (rank !== undefined) queue.push(rank * POSITIONS + pos);
    };
    for (let i = 0; i + 1 < n; i++) offer(i);
    while (queue.size > 0) {
      const key = queue.pop()!;
      const rank = Math.floor(key / POSITIONS);
      const pos = key - rank * POSITIONS;
      const right = next[pos]!;
      // Stale entries: the symbol was merged away, or its right neighbour changed since.
      if (!alive[pos] || right >= n || this.rankOf(ids[pos]!, ids[right]!) !== rank) continue;
      ids[pos] = this.mergedIds[rank]!;
      alive[right] = 0;
      next[pos] = next[right]!;
      if (next[pos]! < n) prev[next[pos]!] = pos;
      offer(prev[pos]!);
      offer(pos);
    }
    const out: number[] = [];
    for (let i = 0; i < n; i = next[i]!) out.push(ids[i]!);
    return out;
  }
}
