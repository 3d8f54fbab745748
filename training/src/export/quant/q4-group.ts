/**
 * MLC's 4-bit group quantization (q4f16_1, q4f32_1): groups of 32 consecutive values along a row
 * of an HF weight [out, in] share one scale = max|w| / 7; each value becomes q = round(w / scale) + 7
 * clamped to 0..14 and decodes as (q - 7) * scale. Eight nibbles fill a uint32, element k of a group
 * in word k / 8 at bits 4 * (k % 8) (least significant first). Weights come out as [rows, in / 8]
 * uint32 and scales as [rows, in / 32], both row-major: one group after the other, so any block of
 * whole rows is quantized on its own.
 */

export const Q4_GROUP_SIZE = 32;
const MAX_Q = 7;

export interface Q4Groups {
  /** Eight 4-bit values per word. */
  weights: Uint32Array;
  /** One scale per group, already rounded to the storage float type. */
  scales: Float32Array;
}

/**
 * Quantizes `values` (whole groups of 32). `storeScale` rounds a scale to the type it is stored in
 * (float16 for q4f16_1), so the codes are computed against the scale the runtime will see.
 */
export function quantizeQ4Groups(values: Float32Array, storeScale: (s: number) => number): Q4Groups {
  if (values.length % Q4_GROUP_SIZE !== 0)
    throw new RangeError(
      `q4 group quantization needs a multiple of ${Q4_GROUP_SIZE} values, got ${values.length}.`,
    );
  const groups = values.length / Q4_GROUP_SIZE;
  const weights = new Uint32Array(groups * 4);
  const scales = new Float32Array(groups);
  for (let g = 0; g < groups; g++) {
    const base = g * Q4_GROUP_SIZE;
    let max = 0;
    for (let k = 0; k < Q4_GROUP_SIZE; k++) max = Math.max(max, Math.abs(values[base + k]!));
    const scale = storeScale(max / MAX_Q);
    scales[g] = scale;
    const inv = scale === 0 ? 0 : 1 / scale;
    for (let w = 0; w < 4; w++) {
      let word = 0;
      for (let n = 0; n < 8; n++) {
        const q = Math.min(2 * MAX_Q, Math.max(0, Math.round(values[base + w * 8 + n]! * inv) + MAX_Q));
        word |= q << (4 * n);
      }
      weights[g * 4 + w] = word >>> 0;
    }
  }
  return { weights, scales };
}

export function dequantizeQ4Groups({ weights, scales }: Q4Groups): Float32Array {
  const out = new Float32Array(weights.length * 8);
  for (let i = 0; i < out.length; i++) {
    const q = (weights[i >>> 3]! >>> (4 * (i & 7))) & 0xf;
    out[i] = (q - MAX_Q) * scales[Math.floor(i / Q4_GROUP_SIZE)]!;
  }
  return out;
}
