/**
 * Group-level advantages. GAPG: r_i - mean(r), scaled by G/(G-1) (the unbiased leave-one-out
 * form), with NO division by the group's standard deviation: std-normalisation rescales every
 * group to unit spread and erases the gap between alpha_a and alpha_c, which is what drives the
 * collapse to always asking the cloud. "grpo" is kept as the collaboration-aware baseline.
 */

export type AdvantageMode = "gapg" | "grpo";

export function groupAdvantages(rewards: readonly number[], mode: AdvantageMode = "gapg"): number[] {
  const g = rewards.length;
  if (g < 2) throw new Error("A group needs at least two samples.");
  const mean = rewards.reduce((a, b) => a + b, 0) / g;
  if (mode === "gapg") return rewards.map((r) => ((r - mean) * g) / (g - 1));
  const std = Math.sqrt(rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / g);
  return rewards.map((r) => (r - mean) / (std + 1e-4));
}
