/**
 * Reading a completion in the paper's output format: reasoning inside <think>...</think>, then the
 * final answer inside <answer>...</answer>. Every task reads answers the same way (the last <answer>
 * block is the answer; without one there is no answer), so this lives here once and each task only
 * decides whether an extracted answer is right. Tags may contain stray whitespace (`< /answer >`).
 */

import type { Verdict } from "./types";

const open = (name: string) => String.raw`<\s*${name}\s*>`;
const close = (name: string) => String.raw`<\s*/\s*${name}\s*>`;
const anyTag = (name: string) => String.raw`<\s*/?\s*${name}\s*>`;

/** Text that contains no think or answer tag, so each block appears exactly once. */
const BLOCK_BODY = String.raw`(?:(?!${anyTag("think")}|${anyTag("answer")})[\s\S])*`;

const WELL_FORMED = new RegExp(
  String.raw`^\s*${open("think")}${BLOCK_BODY}${close("think")}\s*${open("answer")}${BLOCK_BODY}${close("answer")}\s*$`,
);

/** An answer block; its content may not hold another opening tag, so `<answer>1 <answer>2</answer>` reads "2". */
const ANSWER_BLOCK = new RegExp(
  String.raw`${open("answer")}((?:(?!${open("answer")})[\s\S])*?)${close("answer")}`,
  "g",
);

/** Content of the last complete <answer>...</answer> block, trimmed; undefined when there is none. */
export function extractAnswer(completion: string): string | undefined {
  let last: string | undefined;
  for (const match of completion.matchAll(ANSWER_BLOCK)) last = match[1];
  return last?.trim();
}

/** Exactly one <think> block followed by one <answer> block and nothing else but whitespace. */
export function hasAnswerFormat(completion: string): boolean {
  return WELL_FORMED.test(completion);
}

/** The verdict on a completion, given a task's judgement of an extracted answer. */
export function verdictFor(completion: string, isRight: (answer: string) => boolean): Verdict {
  const extracted = extractAnswer(completion);
  const formatOk = hasAnswerFormat(completion);
  if (extracted === undefined) return { correct: false, formatOk };
  return { correct: isRight(extracted), formatOk, extracted };
}
