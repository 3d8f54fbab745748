import { describe, expect, it } from "vitest";
import { llama3FrequencyFactors } from "./rope-scaling";

describe("llama3FrequencyFactors", () => {
  // Llama-3.2-1B: theta 500000, head dim 64, factor 32, low 1, high 4, original context 8192.
  const factors = llama3FrequencyFactors(
    { factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 },
    500_000,
    64,
  );
  it("keeps short wavelengths, slows long ones by the factor, and interpolates between", () => {
    expect(factors).toHaveLength(32);
    const wavelen = (i: number) => 2 * Math.PI * 500_000 ** ((2 * i) / 64);
    for (let i = 0; i < 32; i++) {
      if (wavelen(i) < 8192 / 4) expect(factors[i]).toBe(1);
      else if (wavelen(i) > 8192) expect(factors[i]).toBe(32);
      else {
        expect(factors[i]).toBeGreaterThan(1);
        expect(factors[i]).toBeLessThan(32);
      }
    }
    expect(factors[0]).toBe(1);
    expect(factors[31]).toBe(32);
    // Monotone: longer wavelengths are never slowed less.
    for (let i = 1; i < 32; i++) expect(factors[i]!).toBeGreaterThanOrEqual(factors[i - 1]!);
  });
});
