/**
 * Which seed of a --seeds run to ship: the one whose GAPG model does best on its own validation
 * prompts at the cloud budget (training prompts RL never saw; the same split its offload bias was
 * calibrated on). The test split is not looked at, so the shipped model's test figures stay honest.
 * A seed's result follows the warm-up it got, which is luck (the warm-up is chaotically sensitive
 * to rounding): picking on validation is how a practitioner would choose among seeds.
 */

import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { offloadScore } from "../eval/decision";
import type { PromptOutcome } from "../eval/outcomes";
import { systemResult } from "../eval/system-result";
import type { RunResults } from "../report/write-report";

export interface SeedChoice {
  seed: number;
  run: string;
  /** GAPG's system accuracy on the validation prompts at its calibrated bias. */
  validationAccuracy: number;
}

/** The finished seed-K runs of a --seeds folder, best first; empty for a folder that has none. */
export async function seedsByValidation(dir: string): Promise<SeedChoice[]> {
  const seeds = (await readdir(dir))
    .map((name) => /^seed-(\d+)$/.exec(name)?.[1])
    .filter((k): k is string => k !== undefined && existsSync(join(dir, `seed-${k}`, "results.json")))
    .map(Number);
  const choices: SeedChoice[] = [];
  for (const seed of seeds) {
    const run = join(dir, `seed-${seed}`);
    const { gapgBias } = JSON.parse(await readFile(join(run, "results.json"), "utf8")) as RunResults;
    const { validation } = JSON.parse(await readFile(join(run, "methods", "gapg.json"), "utf8")) as {
      validation?: PromptOutcome[];
    };
    if (!validation?.length) throw new Error(`${run} has no GAPG validation outcomes (methods/gapg.json).`);
    const offloaded = validation.map((o) => offloadScore(o) + gapgBias > 0);
    choices.push({ seed, run, validationAccuracy: systemResult(validation, offloaded).systemAccuracy });
  }
  return choices.sort((a, b) => b.validationAccuracy - a.validationAccuracy || a.seed - b.seed);
}
