import { describe, expect, it } from "vitest";
import { f16BitsToF32, roundToF16 } from "../../checkpoint/half";
import { gaussian } from "../../fixtures/hf-checkpoint";
import { dequantizeQ4_0, Q4_0_BLOCK_BYTES, quantizeQ4_0 } from "./q4_0";
import { dequantizeQ4Groups, quantizeQ4Groups } from "./q4-group";
import { dequantizeQ8_0, Q8_0_BLOCK_BYTES, quantizeQ8_0 } from "./q8_0";

const random = (n: number, seed: number, scale = 1) => {
  const g = gaussian(seed);
  return Float32Array.from({ length: n }, () => scale * g());
};

/** Largest |a - b| / bound over blocks of 32, where bound(block) is that block's allowed error. */
function worstRatio(a: Float32Array, b: Float32Array, bound: (block: number) => number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / bound(Math.floor(i / 32)));
  return worst;
}

describe("MLC q4 group quantization", () => {
  it("packs nibbles least significant first with the documented codes", () => {
    // Group max 7 -> scale 1 -> code = w + 7.
    const values = Float32Array.from({ length: 32 }, (_, k) => (k % 15) - 7);
    const { weights, scales } = quantizeQ4Groups(values, Math.fround);
    expect(Array.from(scales)).toEqual([1]);
    const codes = Array.from(values, (v) => v + 7);
    for (let w = 0; w < 4; w++) {
      let word = 0;
      for (let n = 0; n < 8; n++) word += codes[w * 8 + n]! * 16 ** n;
      expect(weights[w]).toBe(word);
    }
    expect(dequantizeQ4Groups({ weights, scales })).toEqual(values);
  });

  it("round-trips within half a scale step (float16 and float32 scales), zeros exactly", () => {
    const values = random(32 * 400, 7, 0.05);
    values.fill(0, 64, 96);
    for (const store of [roundToF16, Math.fround]) {
      const q = quantizeQ4Groups(values, store);
      const back = dequantizeQ4Groups(q);
      // The stored scale may be rounded below max/7 by float16: at most one extra ulp of the max.
      const bound = (g: number) => q.scales[g]! / 2 + (q.scales[g]! * 7) / 1024 + 1e-12;
      expect(worstRatio(values, back, bound)).toBeLessThanOrEqual(1);
      expect(Array.from(back.subarray(64, 96)).every((v) => v === 0)).toBe(true);
      const rms = Math.sqrt(values.reduce((s, v, i) => s + (v - back[i]!) ** 2, 0) / values.length);
      expect(rms).toBeLessThan(0.05 * 0.12);
    }
  });
});

describe("GGML Q8_0", () => {
  it("writes llama.cpp's block: float16 scale then 32 int8", () => {
    const values = Float32Array.from({ length: 32 }, (_, j) => (j - 16) / 16); // max |x| = 1
    const bytes = quantizeQ8_0(values);
    expect(bytes.length).toBe(Q8_0_BLOCK_BYTES);
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(0, true)).toBe(0x2008); // float16(1/127)
    expect(view.getInt8(2)).toBe(-127);
    expect(view.getInt8(2 + 16)).toBe(0);
    // 0.5 * 127 = 63.5 rounds away from zero, as C's roundf.
    expect(view.getInt8(2 + 24)).toBe(64);
  });

  it("round-trips within half a step (plus the float16 rounding of the scale, as llama.cpp)", () => {
    const values = random(32 * 300, 3);
    const back = dequantizeQ8_0(quantizeQ8_0(values));
    const amax = (b: number) => Math.max(...Array.from(values.subarray(b * 32, b * 32 + 32), Math.abs));
    expect(worstRatio(values, back, (b) => (amax(b) / 127) * (0.5 + 127 / 2048))).toBeLessThanOrEqual(1);
  });
});

describe("GGML Q4_0", () => {
  it("writes llama.cpp's block: float16 scale, low nibbles = first half, high = second half", () => {
    const values = new Float32Array(32);
    values[0] = -8; // the largest magnitude: d = -8 / -8 = 1
    values[16] = 7;
    values[1] = 3;
    const bytes = quantizeQ4_0(values);
    expect(bytes.length).toBe(Q4_0_BLOCK_BYTES);
    expect(new DataView(bytes.buffer).getUint16(0, true)).toBe(0x3c00); // 1.0
    expect(bytes[2]).toBe(0 | (15 << 4)); // -8 -> 0; 7 -> 15
    expect(bytes[3]).toBe(11 | (8 << 4)); // 3 -> 11; 0 -> 8
    expect(dequantizeQ4_0(bytes)).toEqual(values);
  });

  it("round-trips within one step, half a step below the clamped top code", () => {
    const values = random(32 * 300, 5);
    const bytes = quantizeQ4_0(values);
    const back = dequantizeQ4_0(bytes);
    const view = new DataView(bytes.buffer);
    const step = (b: number) => Math.abs(f16BitsToF32(view.getUint16(b * Q4_0_BLOCK_BYTES, true))) * 1.001;
    expect(worstRatio(values, back, step)).toBeLessThanOrEqual(1);
    // Only the value opposite the block's extreme can hit the clamp; the rest are within half a step.
    let withinHalf = 0;
    for (let i = 0; i < values.length; i++)
      if (Math.abs(values[i]! - back[i]!) <= step(Math.floor(i / 32)) / 2) withinHalf++;
    expect(withinHalf).toBeGreaterThan(values.length * 0.99);
  });
});
