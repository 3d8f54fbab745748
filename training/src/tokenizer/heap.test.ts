import { describe, expect, it } from "vitest";
import { Heap } from "./heap";

describe("Heap", () => {
  it("pops items in the caller's order", () => {
    const heap = new Heap<number>((a, b) => a < b);
    const values = [5, 3, 9, 1, 7, 3, 0, 8, 2, 6, 4];
    for (const v of values) heap.push(v);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    expect(out).toEqual([...values].sort((a, b) => a - b));
    expect(heap.pop()).toBeUndefined();
  });

  it("follows a composite ordering (count descending, then name)", () => {
    const heap = new Heap<[number, string]>((a, b) => a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]));
    for (const item of [
      [2, "b"],
      [3, "z"],
      [2, "a"],
      [3, "c"],
    ] as Array<[number, string]>)
      heap.push(item);
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop()]).toEqual([
      [3, "c"],
      [3, "z"],
      [2, "a"],
      [2, "b"],
    ]);
  });
});
