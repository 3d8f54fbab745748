/**
 * ggml's Q4_0, as llama.cpp's quantize_row_q4_0_ref: blocks of 32 values, each a float16 scale
 * d = (the value of largest magnitude) / -8 followed by 16 bytes; byte j holds element j in its low
 * nibble and element j + 16 in its high nibble, code = min(15, trunc(x / d + 8.5)), decoded as
 * (code - 8) * d (18 bytes per block).
 */

import { encodeF16Value, f16BitsToF32 } from "../../checkpoint/half";

export const Q4_0_BLOCK = 32;
export const Q4_0_BLOCK_BYTES = 2 + Q4_0_BLOCK / 2;

export function quantizeQ4_0(values: Float32Array): Uint8Array {
  if (values.length % Q4_0_BLOCK !== 0)
    throw new RangeError(`Q4_0 needs a multiple of ${Q4_0_BLOCK} values, got ${values.length}.`);
  const blocks = values.length / Q4_0_BLOCK;
  const out = new Uint8Array(blocks * Q4_0_BLOCK_BYTES);
  const view = new DataView(out.buffer);
  const half = Q4_0_BLOCK / 2;
  for (let b = 0; b < blocks; b++) {
    const x = b * Q4_0_BLOCK;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < Q4_0_BLOCK; j++) {
      const v = values[x + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = Math.fround(max / -8);
    const id = d === 0 ? 0 : Math.fround(1 / d);
    const at = b * Q4_0_BLOCK_BYTES;
    view.setUint16(at, encodeF16Value(d), true);
    const code = (v: number) => Math.min(15, Math.trunc(Math.fround(Math.fround(v * id) + 8.5)));
    for (let j = 0; j < half; j++)
      out[at + 2 + j] = code(values[x + j]!) | (code(values[x + half + j]!) << 4);
  }
  return out;
}

export function dequantizeQ4_0(bytes: Uint8Array): Float32Array {
  const blocks = bytes.length / Q4_0_BLOCK_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(blocks * Q4_0_BLOCK);
  const half = Q4_0_BLOCK / 2;
  for (let b = 0; b < blocks; b++) {
    const at = b * Q4_0_BLOCK_BYTES;
    const d = f16BitsToF32(view.getUint16(at, true));
    for (let j = 0; j < half; j++) {
      const byte = bytes[at + 2 + j]!;
      out[b * Q4_0_BLOCK + j] = ((byte & 0xf) - 8) * d;
      out[b * Q4_0_BLOCK + half + j] = ((byte >> 4) - 8) * d;
    }
  }
  return out;
}
