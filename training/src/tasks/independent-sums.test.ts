import { describe, expect, it } from "vitest";
import { independentSums } from "./independent-sums";
import { sumCategory } from "./sum-mix";

describe("independentSums", () => {
  it("draws plain sums at their natural carry rate and a share of two-operand products, reproducibly", () => {
    const examples = independentSums(2000, 7, 0.1);
    expect(independentSums(2000, 7, 0.1)).toEqual(examples);
    const share = (c: string) =>
      examples.filter((e) => sumCategory(e.question) === c).length / examples.length;
    expect(share("hard")).toBeGreaterThan(0.08);
    expect(share("hard")).toBeLessThan(0.12);
    // Two operands of 10-999: about two sums in three carry somewhere.
    expect(share("carry") / (1 - share("hard"))).toBeGreaterThan(0.55);
    for (const e of examples) {
      const [, a, op, b] = /^What is (\d+) ([+*]) (\d+)\?$/.exec(e.question)!;
      expect(Number(e.answer)).toBe(op === "+" ? Number(a) + Number(b) : Number(a) * Number(b));
    }
    expect(() => independentSums(1, 1, 2)).toThrow(/fraction/);
  });
});
