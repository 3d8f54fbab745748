import { describe, expect, it } from "vitest";
import { decodeBF16, decodeF16, encodeBF16, encodeF16, roundToF16 } from "./half";

describe("16-bit floats", () => {
  it("encodes float16 bit patterns exactly", () => {
    const values = new Float32Array([
      0,
      -0,
      1,
      -2,
      1.5,
      65504,
      65520,
      1e6,
      2 ** -14,
      2 ** -24,
      2 ** -26,
      1 / 3,
    ]);
    const bits = Array.from(encodeF16(values));
    expect(bits).toEqual([
      0x0000, 0x8000, 0x3c00, 0xc000, 0x3e00, 0x7bff, 0x7c00, 0x7c00, 0x0400, 0x0001, 0x0000, 0x3555,
    ]);
  });

  it("rounds float16 to nearest even and round-trips every finite half", () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to the even mantissa (1).
    expect(roundToF16(1 + 2 ** -11)).toBe(1);
    expect(roundToF16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9);
    const all = new Uint16Array(0x7c00);
    for (let i = 0; i < all.length; i++) all[i] = i;
    expect(Array.from(encodeF16(decodeF16(all)))).toEqual(Array.from(all));
  });

  it("encodes bfloat16 with round to nearest even", () => {
    const values = new Float32Array([1, -2, 1.5, Math.PI, Number.POSITIVE_INFINITY]);
    expect(Array.from(encodeBF16(values))).toEqual([0x3f80, 0xc000, 0x3fc0, 0x4049, 0x7f80]);
    // 1 + 2^-8 is halfway between bf16 1 and 1 + 2^-7: ties to even (1).
    expect(decodeBF16(encodeBF16(new Float32Array([1 + 2 ** -8, 1 + 3 * 2 ** -8])))).toEqual(
      new Float32Array([1, 1 + 2 ** -6]),
    );
    expect(Number.isNaN(decodeBF16(encodeBF16(new Float32Array([Number.NaN])))[0])).toBe(true);
  });
});
