/**
 * Estimated cloud prices in US dollars per million tokens, used only for the cost estimate on each
 * answer. Prices change: check the provider's page; unknown models get no estimate.
 */

export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

export const CLOUD_PRICES: Record<string, ModelPrice> = {
  "claude-haiku-4-5": { inputPerMTok: 1, outputPerMTok: 5 },
  "claude-sonnet-4-5": { inputPerMTok: 3, outputPerMTok: 15 },
  "claude-opus-4-5": { inputPerMTok: 5, outputPerMTok: 25 },
};

export function priceOf(model: string): ModelPrice | undefined {
  return CLOUD_PRICES[model] ?? CLOUD_PRICES[model.replace(/-\d{8}$/, "")];
}

export function estimateCostUsd(
  model: string,
  inputTokens: number,
  outputTokens: number,
): number | undefined {
  const p = priceOf(model);
  if (!p) return undefined;
  return (inputTokens * p.inputPerMTok + outputTokens * p.outputPerMTok) / 1e6;
}
