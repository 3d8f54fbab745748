/**
 * Where one update pushes the decision to ask, per prompt category (counted as the reports count
 * them, `exampleCategory`): the step's sampled cloud rate, and the mean advantage that the
 * offloading samples of the kept groups got. Positive: the update makes asking likelier on that
 * category; negative: it pushes the model to answer itself. A run whose cloud rate fades shows here
 * which category the push away from asking comes from.
 */

import type { ScoredGroup } from "../rollout/rollout";
import { exampleCategory } from "../tasks/sum-mix";

export interface CategoryStep {
  /** Prompts of the category in the batch. */
  prompts: number;
  /** Share of their samples that asked the cloud. */
  cloudRate: number;
  /** Mean advantage of the offloading samples in kept groups; null when no such sample was kept. */
  offloadAdvantage: number | null;
}

/** `kept` maps each kept group's index in `groups` to its samples' advantages. */
export function categorySteps(
  groups: readonly ScoredGroup[],
  kept: ReadonlyMap<number, readonly number[]>,
): Record<string, CategoryStep> {
  const acc = new Map<string, { prompts: number; samples: number; asked: number; sum: number; n: number }>();
  groups.forEach((g, i) => {
    const c = exampleCategory(g.example);
    const a = acc.get(c) ?? { prompts: 0, samples: 0, asked: 0, sum: 0, n: 0 };
    acc.set(c, a);
    a.prompts++;
    const advantages = kept.get(i);
    g.samples.forEach((s, k) => {
      a.samples++;
      if (s.outcome.kind === "local") return;
      a.asked++;
      if (!advantages) return;
      a.sum += advantages[k]!;
      a.n++;
    });
  });
  return Object.fromEntries(
    [...acc].map(([c, a]) => [
      c,
      { prompts: a.prompts, cloudRate: a.asked / a.samples, offloadAdvantage: a.n ? a.sum / a.n : null },
    ]),
  );
}
