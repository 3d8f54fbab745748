/**
 * The paper's prompt template and the two shapes of a completion it asks for: a worked answer
 * (<think>reasoning</think><answer>final</answer>) or a request for the cloud. The paper's request is
 * the plain-text tag `<unknown> I need external assistance </unknown>`; this project uses a single
 * <|offload|> token instead (one token to sample, ban or stop on), and recognises both.
 */

import type { TaskExample } from "./types";

export const OFFLOAD_TOKEN = "<|offload|>";

const PAPER_HELP_TAG = /<unknown>\s*I\s+need\s+external\s+assistance\s*<\/unknown>/;

// Short: every prompt token is paid for in every rollout and every update of a CPU training run.
const INSTRUCTIONS = `Work in <think></think>, answer in <answer></answer>, or write ${OFFLOAD_TOKEN} to ask.`;

/**
 * The user message: the answer-format instructions, a blank line, then the question (`{message}`).
 * The question comes last so that it sits right before the answer: a 2-layer model attends to it
 * from the positions where it decides to answer or to ask. The model card carries this template so
 * the app wraps a user's message exactly as training did.
 */
export const USER_TEMPLATE = `${INSTRUCTIONS}\n\n{message}`;

export function formatPrompt(example: TaskExample): string {
  return USER_TEMPLATE.replace("{message}", () => example.question);
}

/** A well-formed completion with the example's reference answer, for supervised warm-up. */
export function solutionCompletion(example: TaskExample, reasoning: string): string {
  return `<think>${reasoning}</think><answer>${example.answer}</answer>`;
}

/**
 * Where a warm-up target may stop its worked completion to ask for the cloud: right after each "="
 * of the reasoning, the moment a step's result is due (for a sum, a column whose digits reach 10).
 * The warm-up places <|offload|> at one of these uniformly, whatever the example's difficulty, so the
 * token is reachable at every step; RL then learns at which step it pays. (Offloads placed before
 * the reasoning taught a prompt classifier: the model never asked after it had started working.)
 */
export function offloadCutPoints(completion: string): number[] {
  const end = completion.indexOf("</think>");
  const cuts: number[] = [];
  for (let i = completion.indexOf("="); i >= 0 && (end < 0 || i < end); i = completion.indexOf("=", i + 1))
    cuts.push(i + 1);
  return cuts;
}

/** The completion asks for the cloud, with the offload token or the paper's tag. */
export function isOffload(completion: string): boolean {
  return completion.includes(OFFLOAD_TOKEN) || PAPER_HELP_TAG.test(completion);
}
