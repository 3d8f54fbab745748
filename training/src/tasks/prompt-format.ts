/**
 * The paper's prompt template and the two shapes of a completion it asks for: a worked answer
 * (<think>reasoning</think><answer>final</answer>) or a request for the cloud. The paper's request is
 * the plain-text tag `<unknown> I need external assistance </unknown>`; this project uses a single
 * <|offload|> token instead (one token to sample, ban or stop on), and recognises both.
 */

import type { TaskExample } from "./types";

export const OFFLOAD_TOKEN = "<|offload|>";

const PAPER_HELP_TAG = /<unknown>\s*I\s+need\s+external\s+assistance\s*<\/unknown>/;

const INSTRUCTIONS =
  "Think step by step inside <think></think>, then give only the final answer inside <answer></answer>. " +
  `If the problem is beyond you, write only ${OFFLOAD_TOKEN}`;

/** The user message for an example: the question, a blank line, then the answer-format instructions. */
export function formatPrompt(example: TaskExample): string {
  return `${example.question}\n\n${INSTRUCTIONS}`;
}

/** A well-formed completion with the example's reference answer, for supervised warm-up. */
export function solutionCompletion(example: TaskExample, reasoning: string): string {
  return `<think>${reasoning}</think><answer>${example.answer}</answer>`;
}

/** The completion asks for the cloud, with the offload token or the paper's tag. */
export function isOffload(completion: string): boolean {
  return completion.includes(OFFLOAD_TOKEN) || PAPER_HELP_TAG.test(completion);
}
