import { describe, expect, it } from "vitest";
import { inPool } from "./pool";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("inPool", () => {
  it("runs every item, never more than `jobs` at once, starting them in order", async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await inPool([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      peak = Math.max(peak, ++running);
      await tick();
      running--;
    });
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  it("runs all at once when jobs exceed the items", async () => {
    let running = 0;
    let peak = 0;
    await inPool([1, 2, 3], 8, async () => {
      peak = Math.max(peak, ++running);
      await tick();
      running--;
    });
    expect(peak).toBe(3);
  });

  it("rejects with the first failure and refuses a nonsensical job count", async () => {
    await expect(
      inPool([1, 2], 2, async (n) => {
        if (n === 2) throw new Error("seed 2 failed");
      }),
    ).rejects.toThrow("seed 2 failed");
    await expect(inPool([1], 0, async () => {})).rejects.toThrow("positive integer");
  });
});
