/**
 * Hierarchical rewards (paper: alpha_a > alpha_c): a correct answer written on the device is worth
 * more than a correct answer obtained by asking the cloud, and both more than a wrong answer. The
 * three outcomes are mutually exclusive; asking for help and getting a wrong cloud answer earns 0.
 */

export interface RewardWeights {
  /** Local answer correct. */
  alphaA: number;
  /** Asked the cloud and the cloud's answer is correct. */
  alphaC: number;
  /** Local answer in the right format (added to a correct local answer, alone for a wrong one). */
  alphaF: number;
}

export const DEFAULT_REWARDS: RewardWeights = { alphaA: 1, alphaC: 0.25, alphaF: 0 };

export type Outcome =
  | { kind: "local"; correct: boolean; formatOk: boolean }
  | { kind: "offload"; cloudCorrect: boolean };

export function hierarchicalReward(o: Outcome, w: RewardWeights = DEFAULT_REWARDS): number {
  if (w.alphaA <= w.alphaC) throw new Error(`alphaA (${w.alphaA}) must exceed alphaC (${w.alphaC}).`);
  if (o.kind === "offload") return o.cloudCorrect ? w.alphaC : 0;
  return (o.correct ? w.alphaA : 0) + (o.formatOk ? w.alphaF : 0);
}
