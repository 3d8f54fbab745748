/**
 * KV-cached sampling for rollouts: G continuations of one prompt decoded together, temperature
 * and top-p, stopping at end-of-turn or the offload token.
 */

import { tf } from "../model/backend";
import type { Qwen2Config } from "../model/config";
import { type Adapters, disposeCache, forward, type KvCache, type Params } from "../model/qwen2";
import { createRng } from "../tasks/rng";
import type { SampleOptions, Sampler } from "./sampler";

/** Samples with tfjs on the model's own weights (always current; nothing to sync), a group at a time. */
export const tfjsSampler: Sampler = {
  sample: (model, prompt, options) =>
    sampleContinuations(model.config, model.params, prompt, options, model.adapters),
  async sampleGroups(model, prompts, { seeds, ...options }) {
    const out: number[][][] = [];
    for (const [p, prompt] of prompts.entries())
      out.push(
        await sampleContinuations(
          model.config,
          model.params,
          prompt,
          { ...options, seed: seeds[p]! },
          model.adapters,
        ),
      );
    return out;
  },
  dispose: async () => {},
};

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
        for (const [id, bias] of o.logitBias ?? []) row[id]! += bias;
        for (const id of o.bannedIds ?? []) row[id] = Number.NEGATIVE_INFINITY;
        // A finished sequence is fed any valid id; its output is no longer read.
        const token = done[s] ? 0 : pickToken(row, o.temperature, o.topP ?? 1, rng.next());
        next.push(token);
        if (!done[s]) {
          outputs[s]!.push(token);
          if (o.stopIds?.includes(token)) done[s] = true;
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
