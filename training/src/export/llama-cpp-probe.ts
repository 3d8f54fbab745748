/**
 * What llama.cpp (the real consumer of our GGUF files) computes for a prompt: the next-token
 * log-probabilities over the whole vocabulary and the greedy continuation, with a float32 KV cache
 * and flash attention off (the default F16 cache alone moves log-probabilities by ~1e-2). For the
 * parity tests of every GGUF we write.
 */

import type { LlamaModel, Token } from "node-llama-cpp";

export async function llamaCppNextTokens(
  model: LlamaModel,
  ids: readonly number[],
  steps = 6,
): Promise<{ logProbs: Float32Array; greedy: number[] }> {
  const context = await model.createContext({
    contextSize: Math.max(64, ids.length + steps),
    threads: 1,
    experimentalKvCacheKeyType: "F32",
    experimentalKvCacheValueType: "F32",
    flashAttention: false,
  });
  try {
    const sequence = context.getSequence();
    const out = { logProbs: new Float32Array(0), greedy: [] as number[] };
    const gen = sequence.evaluateWithMetadata(
      [...ids] as Token[],
      { probabilities: true },
      { temperature: 0 },
    );
    for (let step = 0; step < steps; step++) {
      const { value } = await gen.next();
      if (!value) break;
      if (step === 0) {
        const lp = new Float32Array(value.probabilities.size);
        for (const [token, p] of value.probabilities) lp[token] = Math.log(p);
        out.logProbs = lp;
      }
      out.greedy.push(value.token);
    }
    await gen.return();
    return out;
  } finally {
    await context.dispose();
  }
}
