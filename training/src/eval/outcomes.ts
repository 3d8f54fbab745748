/**
 * What evaluation records for one model on one prompt, once: its greedy answer with the offload
 * token banned (is the local answer right?), whether the cloud is right, and the offload margin at
 * every position of that answer. Every decision rule is computed from these without decoding again:
 * greedy decoding with a logit bias b on <|offload|> at every position follows the banned answer
 * until the first position where margin + b > 0, and offloads there (decision.ts).
 */

import type { CloudOracle } from "../cloud/oracle";
import type { Policy } from "../gapg/policy";
import { progressBar } from "../report/progress-bar";
import { cloudSolves } from "../rollout/rollout";
import type { Task, TaskExample } from "../tasks/types";

export interface PromptOutcome {
  example: TaskExample;
  /** Greedy answer with the offload token banned is correct. */
  localCorrect: boolean;
  cloudCorrect: boolean;
  /** Offload logit minus the best other logit at each position of the banned greedy answer. */
  margins: number[];
  /** The banned greedy answer's tokens as text, one entry per position (for drafts and histograms). */
  answerTokens: string[];
}

export async function outcomes(
  policy: Policy,
  task: Task,
  oracle: CloudOracle,
  examples: readonly TaskExample[],
  maxNewTokens: number,
  onPrompt: (done: number, total: number) => void = () => {},
): Promise<PromptOutcome[]> {
  const answers: Array<{ prompt: number[]; answer: number[]; text: string }> = [];
  for (let start = 0; start < examples.length; start += 64) {
    const chunk = examples.slice(start, start + 64);
    const locals = await policy.sampleGroups(chunk, {
      samples: 1,
      maxNewTokens,
      temperature: 0,
      seeds: chunk.map(() => 0),
      banOffload: true,
    });
    locals.forEach(([local], i) => {
      answers.push({ prompt: policy.promptIds(chunk[i]!), answer: local!.ids, text: local!.text });
    });
    onPrompt(answers.length, examples.length);
  }
  const margins = await policy.answerMargins(answers);
  return Promise.all(
    examples.map(async (example, i) => ({
      example,
      localCorrect: task.verify(example, answers[i]!.text).correct,
      cloudCorrect: await cloudSolves(task, example, oracle),
      margins: margins[i]!,
      answerTokens: answers[i]!.answer.map((id) => policy.tokenizer.decode([id], { skipSpecial: false })),
    })),
  );
}

/** `outcomes` with a progress bar labelled "eval <label>" (evaluations take minutes on a CPU). */
export async function outcomesWithProgress(
  label: string,
  policy: Policy,
  task: Task,
  oracle: CloudOracle,
  examples: readonly TaskExample[],
  maxNewTokens: number,
): Promise<PromptOutcome[]> {
  const bar = progressBar(`eval ${label}`);
  try {
    return await outcomes(policy, task, oracle, examples, maxNewTokens, bar.update);
  } finally {
    bar.finish();
  }
}
