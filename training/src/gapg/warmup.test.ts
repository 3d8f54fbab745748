import { describe, expect, it } from "vitest";
import { warmupCosine } from "./warmup";

describe("warmupCosine", () => {
  it("rises linearly to the full rate, then decays by a cosine to zero", () => {
    expect(warmupCosine(1, 1000, 100)).toBeCloseTo(0.01);
    expect(warmupCosine(50, 1000, 100)).toBeCloseTo(0.5);
    expect(warmupCosine(100, 1000, 100)).toBe(1);
    expect(warmupCosine(101, 1000, 100)).toBe(1);
    expect(warmupCosine(551, 1000, 100)).toBeCloseTo(0.5);
    expect(warmupCosine(1000, 1000, 100)).toBeLessThan(1e-4);
    for (let step = 101; step < 1000; step++)
      expect(warmupCosine(step + 1, 1000, 100)).toBeLessThan(warmupCosine(step, 1000, 100));
  });

  it("without a rise is the plain cosine from the first step", () => {
    expect(warmupCosine(1, 400, 0)).toBe(1);
    expect(warmupCosine(201, 400, 0)).toBeCloseTo(0.5);
  });
});
