/**
 * The tokenizer for a model trained from scratch on a task: byte-level BPE learned from the
 * training prompts (in the chat format) and their worked solutions, with the chat and offload
 * control tokens and the answer-format tags as single tokens.
 */

import type { BpeTokenizer } from "../tokenizer/bpe-tokenizer";
import { CHATML } from "../tokenizer/chat-template";
import { trainBpe } from "../tokenizer/train-bpe";
import { formatPrompt, solutionCompletion } from "./prompt-format";
import type { TaskExample } from "./types";

export function trainTaskTokenizer(
  train: readonly TaskExample[],
  solution: (e: TaskExample) => string,
  vocabSize: number,
): BpeTokenizer {
  const corpus = train.map(
    (e) =>
      CHATML.render([{ role: "user", content: formatPrompt(e) }], { addGenerationPrompt: true }) +
      solutionCompletion(e, solution(e)),
  );
  return trainBpe(corpus, {
    vocabSize,
    specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|offload|>"],
    addedTokens: ["<think>", "</think>", "<answer>", "</answer>"],
  });
}
