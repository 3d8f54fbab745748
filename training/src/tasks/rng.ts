/**
 * Seeded pseudo-random numbers (mulberry32). Generated datasets, splits and sampling must be
 * reproducible from a seed alone, and Math.random cannot be seeded.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number;
  /** A uniformly chosen item; throws on an empty list. */
  pick<T>(items: readonly T[]): T;
  /** A new array holding the items in uniformly random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** The internal state, for checkpoints: `createRng(seed, state)` continues exactly from here. */
  state(): number;
}

const TWO_POW_32 = 2 ** 32;

/** MurmurHash3's 32-bit finaliser: scrambles the high bits of a seed before they are folded in. */
function fmix32(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A 32-bit seed for one stream, named by a path of integers (run seed, step, prompt, sample...).
 * Hashing the path, instead of adding offsets, keeps the streams of neighbouring paths apart:
 * seed*P + k and seed + s overlap as soon as k or s runs past the stride.
 */
export function streamSeed(...path: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of path) {
    if (!Number.isSafeInteger(part)) throw new RangeError(`A stream path holds safe integers, got ${part}.`);
    h = fmix32((h ^ fmix32(part >>> 0)) + Math.imul(0x85ebca6b, Math.floor(part / TWO_POW_32) >>> 0));
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  return fmix32(h);
}

/**
 * Any safe integer is a valid seed. Seeds in [0, 2^32) are the mulberry32 state as they are; the
 * high 32 bits of others (negative ones, products of seeds) are hashed in, so nearby large seeds differ.
 */
export function createRng(seed: number, resumeState?: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`An Rng seed must be a safe integer, got ${seed}.`);
  let state = resumeState ?? ((seed >>> 0) ^ fmix32(Math.floor(seed / TWO_POW_32) >>> 0)) >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };

  const int = (lo: number, hi: number): number => {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) {
      throw new RangeError(`Rng.int needs integers lo <= hi, got ${lo} and ${hi}.`);
    }
    return lo + Math.floor(next() * (hi - lo + 1));
  };

  return {
    next,
    int,
    state: () => state,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError("Rng.pick needs a non-empty list.");
      return items[int(0, items.length - 1)]!;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}
