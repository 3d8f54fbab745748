/**
 * Router A, the "task-tuning + router" baseline read from outside: a logistic regression over the
 * prompt's token unigrams and bigrams (the paper uses DeBERTa; this is its bag-of-n-grams analogue),
 * trained on training prompts to predict that the local model fails. At evaluation the prompts it
 * scores highest go to the cloud, up to the budget.
 */

export interface RouterClassifier {
  score(tokens: readonly number[]): number;
  /** The vocabulary size and the weights (unigrams, bigrams, length, bias), for routerFromWeights. */
  weights: { vocabSize: number; values: number[] };
}

/** Sparse features: unigram counts, bigram counts, length / 32 and a bias. */
function features(tokens: readonly number[], vocabSize: number): Map<number, number> {
  const f = new Map<number, number>();
  const add = (i: number, x: number) => f.set(i, (f.get(i) ?? 0) + x);
  tokens.forEach((t, i) => {
    add(t, 1);
    if (i > 0) add(vocabSize + tokens[i - 1]! * vocabSize + t, 1);
  });
  add(vocabSize + vocabSize * vocabSize, tokens.length / 32);
  add(vocabSize + vocabSize * vocabSize + 1, 1);
  return f;
}

const weightCount = (vocabSize: number) => vocabSize + vocabSize * vocabSize + 2;

export function trainRouter(
  examples: ReadonlyArray<{ tokens: readonly number[]; localFails: boolean }>,
  vocabSize: number,
  o: { epochs?: number; lr?: number; l2?: number } = {},
): RouterClassifier {
  const w = new Float64Array(weightCount(vocabSize));
  const data = examples.map((e) => ({ x: [...features(e.tokens, vocabSize)], y: e.localFails ? 1 : 0 }));
  const lr = o.lr ?? 0.5;
  const l2 = o.l2 ?? 1e-4;
  const grad = new Float64Array(w.length);
  const touched = [...new Set(data.flatMap((d) => d.x.map(([i]) => i)))];
  for (let epoch = 0; epoch < (o.epochs ?? 300); epoch++) {
    for (const i of touched) grad[i] = 0;
    for (const { x, y } of data) {
      let z = 0;
      for (const [i, v] of x) z += w[i]! * v;
      const err = 1 / (1 + Math.exp(-z)) - y;
      for (const [i, v] of x) grad[i]! += err * v;
    }
    // Full-batch gradient descent; L2 only on the features seen (the rest stay 0).
    for (const i of touched) w[i]! -= lr * (grad[i]! / Math.max(1, data.length) + l2 * w[i]!);
  }
  return routerFromWeights({ vocabSize, values: Array.from(w) });
}

export function routerFromWeights(weights: RouterClassifier["weights"]): RouterClassifier {
  const { vocabSize, values } = weights;
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || values.length !== weightCount(vocabSize))
    throw new Error(
      `Router weights must hold ${weightCount(vocabSize)} numbers for a vocabulary of ${vocabSize}.`,
    );
  if (!values.every(Number.isFinite)) throw new Error("Router weights must be finite numbers.");
  return {
    weights: { vocabSize, values: [...values] },
    score(tokens) {
      let z = 0;
      for (const [i, v] of features(tokens, vocabSize)) z += values[i]! * v;
      return 1 / (1 + Math.exp(-z));
    },
  };
}
