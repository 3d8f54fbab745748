/** Assembles what methodRows needs from each model's test outcomes and a run's calibration. */

import type { Policy } from "../gapg/policy";
import type { RunCalibration, RunModel } from "../gapg/run-folder";
import { exampleCategory } from "../tasks/sum-mix";
import type { TaskExample } from "../tasks/types";
import type { MethodInputs } from "./methods";
import type { PromptOutcome } from "./outcomes";
import { modelRouterScores } from "./router-model";
import { routerFromWeights } from "./router-ngram";

export function methodInputs(
  test: Readonly<Record<Exclude<RunModel, "router-model">, readonly PromptOutcome[]>>,
  calibration: RunCalibration,
  o: {
    promptIds: (e: TaskExample) => number[];
    routerModel: Policy;
    randomDraws?: number;
    /** The breakdown's categories of a sum (sumCategory by default). */
    sumCategory?: (question: string) => string;
  },
): MethodInputs {
  const prompts = test["task-only"].map((r) => o.promptIds(r.example));
  const ngram = routerFromWeights(calibration.routerNgram);
  return {
    test,
    validation: { gapg: calibration.validation.gapg, "collab-aware": calibration.validation["collab-aware"] },
    routers: {
      "router-ngram": {
        validation: calibration.validation["router-ngram"],
        test: prompts.map((p) => ngram.score(p)),
      },
      "router-model": {
        validation: calibration.validation["router-model"],
        test: modelRouterScores(o.routerModel, prompts),
      },
    },
    randomDraws: o.randomDraws ?? 20,
    seed: calibration.seed,
    category: (e) => exampleCategory(e, o.sumCategory),
  };
}
