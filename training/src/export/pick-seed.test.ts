import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedsByValidation } from "./pick-seed";

let dir: string;
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A finished seed folder with GAPG's validation outcomes ([margin, local answer right]) and bias. */
async function seedRun(seed: number, bias: number, outcomes: Array<[number, boolean]>) {
  const run = join(dir, `seed-${seed}`);
  await mkdir(join(run, "methods"), { recursive: true });
  await writeFile(join(run, "results.json"), JSON.stringify({ gapgBias: bias }));
  const validation = outcomes.map(([margin, localCorrect]) => ({
    margins: [margin],
    localCorrect,
    cloudCorrect: true,
  }));
  await writeFile(join(run, "methods", "gapg.json"), JSON.stringify({ validation }));
}

describe("seedsByValidation", () => {
  it("ranks finished seeds by GAPG's validation accuracy at its own bias, ignoring unfinished ones", async () => {
    dir = await mkdtemp(join(tmpdir(), "pick-seed-"));
    // Seed 1 at bias 0 answers one prompt it gets wrong on the device: 3 of 4.
    await seedRun(1, 0, [
      [1, true],
      [-1, false],
      [-1, true],
      [1, false],
    ]);
    // Seed 2 at bias 0.5 offloads exactly its failures (margins 0 and -0.2 clear -0.5): 4 of 4.
    await seedRun(2, 0.5, [
      [0, false],
      [-0.2, false],
      [-1, true],
      [-2, true],
    ]);
    await mkdir(join(dir, "seed-3"));
    const ranked = await seedsByValidation(dir);
    expect(ranked.map((c) => [c.seed, c.validationAccuracy])).toEqual([
      [2, 1],
      [1, 0.75],
    ]);
    expect(ranked[0]!.run).toBe(join(dir, "seed-2"));
  });
});
