/**
 * KV-cached sampling for rollouts: G continuations of one prompt decoded together, temperature
 * and top-p, stopping at end-of-turn or the offload token.
 */

import { createRng } from "../tasks/rng";
import { tf } from "./backend";
import type { Qwen2Config } from "./config";
import { type Adapters, disposeCache, forward, type KvCache, type Params } from "./qwen2";

export interface SampleOptions {
  samples: number;
  maxNewTokens: number;
  temperature: number;
  topP?: number;
  /** Generation of a sequence ends after one of these (kept in the output). */
  stopIds: readonly number[];
  /** Tokens that may never be sampled (e.g. the offload token for task-only tuning). */
  bannedIds?: readonly number[];
  seed: number;
}

/** Picks a token from logits; temperature 0 is greedy. */
export function pickToken(logits: Float32Array, temperature: number, topP: number, u: number): number {
  if (temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const l of logits) max = Math.max(max, l);
  const probs = Array.from(logits, (l, i) => ({ i, p: Math.exp((l - max) / temperature) }));
  const total = probs.reduce((s, x) => s + x.p, 0);
  probs.sort((a, b) => b.p - a.p);
  let kept = 0;
  let mass = 0;
  while (kept < probs.length && mass < topP * total) mass += probs[kept++]!.p;
  let r = u * mass;
  for (let k = 0; k < kept; k++) {
    r -= probs[k]!.p;
    if (r <= 0) return probs[k]!.i;
  }
  return probs[kept - 1]!.i;
}

export async function sampleContinuations(
  c: Qwen2Config,
  params: Params,
  prompt: readonly number[],
  o: SampleOptions,
  adapters?: Adapters,
): Promise<number[][]> {
  const rng = createRng(o.seed);
  const outputs: number[][] = Array.from({ length: o.samples }, () => []);
  const done = new Array<boolean>(o.samples).fill(false);
  // tidy() returns tensors only; the cache's length is tracked beside them.
  const run = (input: tf.Tensor2D, previous?: KvCache) => {
    const out = tf.tidy(() => {
      const r = forward(c, params, input, previous, adapters);
      const last = tf.squeeze(tf.slice(r.logits, [0, input.shape[1] - 1, 0], [-1, 1, -1]), [1]);
      return { last, keys: r.cache.keys, values: r.cache.values };
    });
    const length = (previous?.length ?? 0) + input.shape[1];
    return { last: out.last, cache: { keys: out.keys, values: out.values, length } };
  };
  const prefill = tf.tensor2d(
    Array.from({ length: o.samples }, () => [...prompt]),
    [o.samples, prompt.length],
    "int32",
  );
  let step = run(prefill);
  prefill.dispose();
  let cache: KvCache = step.cache;
  try {
    for (let t = 0; t < o.maxNewTokens && cache.length < c.maxPositions; t++) {
      const logits = (await step.last.data()) as Float32Array;
      step.last.dispose();
      const next: number[] = [];
      for (let s = 0; s < o.samples; s++) {
        const row = logits.subarray(s * c.vocabSize, (s + 1) * c.vocabSize);
        for (const id of o.bannedIds ?? []) row[id] = Number.NEGATIVE_INFINITY;
        const token = done[s] ? o.stopIds[0]! : pickToken(row, o.temperature, o.topP ?? 1, rng.next());
        next.push(token);
        if (!done[s]) {
          outputs[s]!.push(token);
          if (o.stopIds.includes(token)) done[s] = true;
        }
      }
      if (done.every(Boolean)) break;
      const input = tf.tensor2d(next, [o.samples, 1], "int32");
      const previous = cache;
      step = run(input, previous);
      input.dispose();
      disposeCache(previous);
      cache = step.cache;
    }
  } finally {
    if (!step.last.isDisposed) step.last.dispose();
    disposeCache(cache);
  }
  return outputs;
}
