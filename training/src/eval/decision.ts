/**
 * The one decision rule, shared by the evaluator and the app: the model offloads when it emits
 * <|offload|> at any position of its answer, with a logit bias b added to that token at every
 * position (b = 0 is the model's own decision). Under greedy decoding this is exact from the
 * margins of the answer decoded with the token banned (outcomes.ts): the first position whose
 * margin + b > 0 is where it offloads.
 */

import type { PromptOutcome } from "./outcomes";

/** Where greedy decoding with bias b offloads (answer position), or undefined if it answers. */
export function offloadPosition(o: Pick<PromptOutcome, "margins">, bias: number): number | undefined {
  const i = o.margins.findIndex((m) => m + bias > 0);
  return i < 0 ? undefined : i;
}

/** The model's offload score: it offloads under bias b exactly when score + b > 0. */
export const offloadScore = (o: Pick<PromptOutcome, "margins">): number =>
  o.margins.reduce((a, m) => Math.max(a, m), Number.NEGATIVE_INFINITY);

/**
 * The threshold above which a share `rate` of these scores lies (calibrated on validation prompts,
 * never on the test set). For the model's own score, the bias at the budget is -threshold: sorting
 * the scores gives exactly what a bisection on b over re-decoded prompts converges to.
 */
export function budgetThreshold(scores: readonly number[], rate: number): number {
  if (scores.length === 0) throw new Error("Calibrating a threshold needs at least one score.");
  const sorted = [...scores].sort((a, b) => b - a);
  const k = Math.round(rate * sorted.length);
  if (k <= 0) return sorted[0]! + 1;
  if (k >= sorted.length) return sorted[sorted.length - 1]! - 1;
  // Midway between the last score in and the first out, so a prompt on the boundary is not ambiguous.
  return (sorted[k - 1]! + sorted[k]!) / 2;
}
