/**
 * Llama 3's RoPE frequency scaling (`rope_scaling: {rope_type: "llama3", ...}` in config.json):
 * long wavelengths are slowed by `factor`, short ones kept, and the band between interpolated,
 * exactly as transformers' `_compute_llama3_parameters` does.
 */

export interface Llama3RopeScaling {
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositions: number;
}

/** The divisor of each rotary frequency (1 = unchanged): llama.cpp's `rope_freqs` tensor holds these. */
export function llama3FrequencyFactors(
  s: Llama3RopeScaling,
  ropeTheta: number,
  headDim: number,
): Float32Array {
  const lowFreqWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const highFreqWavelen = s.originalMaxPositions / s.highFreqFactor;
  const factors = new Float32Array(headDim / 2);
  for (let i = 0; i < headDim / 2; i++) {
    const wavelen = (2 * Math.PI) / ropeTheta ** (-(2 * i) / headDim);
    if (wavelen < highFreqWavelen) factors[i] = 1;
    else if (wavelen > lowFreqWavelen) factors[i] = s.factor;
    else {
      const smooth =
        (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      factors[i] = 1 / ((1 - smooth) / s.factor + smooth);
    }
  }
  return factors;
}
