/**
 * Adaptive prompt filtering, per batch:
 *   D1 = prompts where at least one of the G local answers is correct (teaches solving locally);
 *   D2 = prompts where every local answer failed but the cloud is correct (teaches asking);
 *   |D2| is cut at random to at most floor(rho * |D1|); prompts where both fail are dropped.
 * The complementary mix keeps the policy from collapsing to all-local or all-cloud.
 */

export interface PromptGroupSummary {
  anyLocalCorrect: boolean;
  cloudCorrect: boolean;
}

export interface FilterResult {
  /** Indices of the prompts used for the update. */
  keep: number[];
  d1: number;
  d2: number;
  /** D2 prompts dropped by the rho cap. */
  d2Dropped: number;
  /** Prompts where neither the local model nor the cloud was right. */
  unsolvable: number;
}

export function adaptiveFilter(
  groups: readonly PromptGroupSummary[],
  rho: number,
  random: () => number,
): FilterResult {
  const d1: number[] = [];
  const d2: number[] = [];
  let unsolvable = 0;
  groups.forEach((g, i) => {
    if (g.anyLocalCorrect) d1.push(i);
    else if (g.cloudCorrect) d2.push(i);
    else unsolvable++;
  });
  const cap = Math.floor(rho * d1.length);
  // Fisher-Yates over D2, then keep the first `cap`.
  for (let i = d2.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [d2[i], d2[j]] = [d2[j]!, d2[i]!];
  }
  const keptD2 = d2.slice(0, cap);
  return {
    keep: [...d1, ...keptD2].sort((a, b) => a - b),
    d1: d1.length,
    d2: keptD2.length,
    d2Dropped: d2.length - keptD2.length,
    unsolvable,
  };
}
