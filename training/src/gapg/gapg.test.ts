import { describe, expect, it } from "vitest";
import { groupAdvantages } from "./advantages";
import { adaptiveFilter } from "./filtering";
import { DEFAULT_REWARDS, hierarchicalReward } from "./rewards";

describe("hierarchical rewards", () => {
  it("ranks local-correct above cloud-correct above wrong", () => {
    expect(hierarchicalReward({ kind: "local", correct: true, formatOk: true })).toBe(1);
    expect(hierarchicalReward({ kind: "offload", cloudCorrect: true })).toBe(0.25);
    expect(hierarchicalReward({ kind: "offload", cloudCorrect: false })).toBe(0);
    expect(hierarchicalReward({ kind: "local", correct: false, formatOk: true })).toBe(0);
  });

  it("adds the format reward (paper v1 weights)", () => {
    const w = { alphaA: 2, alphaC: 0.5, alphaF: 0.2 };
    expect(hierarchicalReward({ kind: "local", correct: true, formatOk: true }, w)).toBeCloseTo(2.2);
    expect(hierarchicalReward({ kind: "local", correct: false, formatOk: true }, w)).toBeCloseTo(0.2);
    expect(hierarchicalReward({ kind: "local", correct: false, formatOk: false }, w)).toBe(0);
  });

  it("refuses weights that break the hierarchy", () => {
    expect(() =>
      hierarchicalReward({ kind: "offload", cloudCorrect: true }, { ...DEFAULT_REWARDS, alphaC: 1 }),
    ).toThrow(/must exceed/);
  });
});

describe("group advantages", () => {
  it("GAPG: centred, scaled by G/(G-1), not divided by the std", () => {
    const a = groupAdvantages([1, 0.25, 0, 0]);
    expect(a.reduce((x, y) => x + y, 0)).toBeCloseTo(0);
    expect(a[0]).toBeCloseTo((1 - 0.3125) * (4 / 3));
    // Scaling the rewards scales the advantages: the hierarchy's magnitudes survive.
    expect(groupAdvantages([2, 0.5, 0, 0])[0]).toBeCloseTo(2 * a[0]!);
  });

  it("GRPO normalises away the gap between a cloud win and a local win", () => {
    const cloudOnly = groupAdvantages([0.25, 0, 0, 0], "grpo");
    const localOnly = groupAdvantages([1, 0, 0, 0], "grpo");
    expect(cloudOnly[0]).toBeCloseTo(localOnly[0]!, 2);
    const gapgCloud = groupAdvantages([0.25, 0, 0, 0]);
    const gapgLocal = groupAdvantages([1, 0, 0, 0]);
    expect(gapgLocal[0]! / gapgCloud[0]!).toBeCloseTo(4);
  });

  it("gives zero advantage to a group with equal rewards", () => {
    expect(groupAdvantages([0.25, 0.25, 0.25])).toEqual([0, 0, 0]);
    expect(groupAdvantages([1, 1], "grpo")).toEqual([0, 0]);
  });
});

describe("adaptive prompt filtering", () => {
  const seq = (values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length]!;
  };

  it("keeps D1, caps D2 at floor(rho * |D1|), drops unsolvable prompts", () => {
    const groups = [
      ...Array.from({ length: 7 }, () => ({ anyLocalCorrect: true, cloudCorrect: true })),
      ...Array.from({ length: 6 }, () => ({ anyLocalCorrect: false, cloudCorrect: true })),
      { anyLocalCorrect: false, cloudCorrect: false },
    ];
    const r = adaptiveFilter(groups, 3 / 7, seq([0.3, 0.9, 0.1, 0.5, 0.7]));
    expect(r).toMatchObject({ d1: 7, d2: 3, d2Dropped: 3, unsolvable: 1 });
    expect(r.keep).toHaveLength(10);
    expect(r.keep.slice(0, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(r.keep.every((i) => i < 13)).toBe(true);
  });

  it("keeps no D2 prompt when nothing is solved locally", () => {
    const r = adaptiveFilter([{ anyLocalCorrect: false, cloudCorrect: true }], 3 / 7, Math.random);
    expect(r).toMatchObject({ keep: [], d1: 0, d2: 0, d2Dropped: 1 });
  });
});
