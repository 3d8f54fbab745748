/**
 * The "task-tuning + router" baseline: a separate prompt classifier (the paper uses DeBERTa; here a
 * logistic regression over the prompt's token counts) trained on the same training prompts to
 * predict that the local model will fail. At evaluation the prompts it scores highest go to the
 * cloud, up to the budget.
 */

export interface RouterClassifier {
  score(tokens: readonly number[]): number;
  /** The weights (token counts, length, bias), to save with a run and load with routerFromWeights. */
  weights: number[];
}

function features(tokens: readonly number[], vocabSize: number): Float64Array {
  const f = new Float64Array(vocabSize + 2);
  for (const t of tokens) f[t]! += 1;
  f[vocabSize] = tokens.length / 32;
  f[vocabSize + 1] = 1; // bias
  return f;
}

export function trainRouter(
  examples: ReadonlyArray<{ tokens: readonly number[]; localFails: boolean }>,
  vocabSize: number,
  o: { epochs?: number; lr?: number; l2?: number } = {},
): RouterClassifier {
  const w = new Float64Array(vocabSize + 2);
  const data = examples.map((e) => ({ x: features(e.tokens, vocabSize), y: e.localFails ? 1 : 0 }));
  const lr = o.lr ?? 0.05;
  const l2 = o.l2 ?? 1e-4;
  for (let epoch = 0; epoch < (o.epochs ?? 200); epoch++) {
    const grad = new Float64Array(w.length);
    for (const { x, y } of data) {
      let z = 0;
      for (let i = 0; i < w.length; i++) z += w[i]! * x[i]!;
      const err = 1 / (1 + Math.exp(-z)) - y;
      for (let i = 0; i < w.length; i++) if (x[i] !== 0) grad[i]! += err * x[i]!;
    }
    for (let i = 0; i < w.length; i++) w[i]! -= lr * (grad[i]! / Math.max(1, data.length) + l2 * w[i]!);
  }
  return routerFromWeights(Array.from(w));
}

export function routerFromWeights(weights: readonly number[]): RouterClassifier {
  const vocabSize = weights.length - 2;
  if (vocabSize < 1 || !weights.every(Number.isFinite))
    throw new Error("Router weights must be finite numbers: one per token, then length and bias.");
  return {
    weights: [...weights],
    score(tokens) {
      const x = features(tokens, vocabSize);
      let z = 0;
      for (let i = 0; i < weights.length; i++) z += weights[i]! * x[i]!;
      return 1 / (1 + Math.exp(-z));
    },
  };
}
