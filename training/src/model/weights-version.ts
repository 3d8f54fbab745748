/**
 * A version number per parameter map, bumped by whatever changes the weights (the optimizer, a
 * restore). Samplers that keep their own copy of the weights (llama.cpp) compare it with the
 * version they loaded and reload by themselves: nobody has to remember to sync them.
 */

import type { Params } from "./qwen2";

const versions = new WeakMap<Params, number>();

export const weightsVersion = (params: Params): number => versions.get(params) ?? 0;

export function markWeightsChanged(params: Params): void {
  versions.set(params, weightsVersion(params) + 1);
}
