import { describe, expect, it } from "vitest";
import { createRng, streamSeed } from "./rng";

const draws = (seed: number, n = 20) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe("streamSeed", () => {
  it("gives every (seed, step, prompt, sample) path its own seed, where offsets would collide", () => {
    const seen = new Set<number>();
    for (let step = 0; step < 20; step++)
      for (let prompt = 0; prompt < 32; prompt++)
        for (let sample = 0; sample < 8; sample++) seen.add(streamSeed(streamSeed(1, step, prompt), sample));
    expect(seen.size).toBe(20 * 32 * 8);
    expect(streamSeed(1, 2)).toBe(streamSeed(1, 2));
    expect(streamSeed(1, 2)).not.toBe(streamSeed(2, 1));
    expect(() => streamSeed(1.5)).toThrow(/safe integers/);
  });
});

describe("createRng", () => {
  it("repeats the same sequence for the same seed", () => {
    expect(draws(42)).toEqual(draws(42));
  });

  it("gives different sequences for different seeds, including seeds 2^32 apart and negatives", () => {
    const seeds = [0, 1, 2, 2 ** 32, 2 ** 32 + 1, -1, 7919 * 100_003 * 10];
    const firsts = new Set(seeds.map((s) => draws(s).join(",")));
    expect(firsts.size).toBe(seeds.length);
  });

  it("draws roughly uniformly from [0, 1)", () => {
    const values = draws(5, 20_000);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    const lowerHalf = values.filter((v) => v < 0.5).length / values.length;
    expect(lowerHalf).toBeGreaterThan(0.48);
    expect(lowerHalf).toBeLessThan(0.52);
  });

  it("int covers both ends of its range and nothing outside it", () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(-2, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(rng.int(4, 4)).toBe(4);
  });

  it("pick and shuffle use every item", () => {
    const rng = createRng(8);
    const items = ["a", "b", "c", "d"];
    const picked = new Set(Array.from({ length: 200 }, () => rng.pick(items)));
    expect(picked).toEqual(new Set(items));
    const shuffled = rng.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual(["a", "b", "c", "d"]);
    const orders = new Set(Array.from({ length: 100 }, () => rng.shuffle(items).join("")));
    expect(orders.size).toBeGreaterThan(10);
  });

  it("rejects seeds and ranges it cannot honour", () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(1).int(3, 2)).toThrow(RangeError);
    expect(() => createRng(1).int(0.5, 2)).toThrow(RangeError);
    expect(() => createRng(1).pick([])).toThrow(RangeError);
  });
});
