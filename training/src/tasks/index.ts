/**
 * The tasks package: verifiable tasks for GAPG (arithmetic, GSM8K/MATH-style math, Countdown), the
 * paper's prompt and completion format, and leak-free splits. `taskFor` maps a configured task name
 * to its verifier.
 */

import { arithmeticTask } from "./arithmetic";
import { countdownTask } from "./countdown";
import { mathTask } from "./math-answer";
import type { Task, TaskName } from "./types";

const TASKS: Readonly<Record<TaskName, Task>> = {
  arithmetic: arithmeticTask,
  math: mathTask,
  countdown: countdownTask,
};

/** The verifier for a task name; throws for an unknown name (names often come from config files). */
export function taskFor(name: string): Task {
  if (!Object.hasOwn(TASKS, name)) {
    throw new Error(`Unknown task "${name}"; known tasks: ${Object.keys(TASKS).join(", ")}.`);
  }
  return TASKS[name as TaskName];
}

export {
  ARITHMETIC_LEVELS,
  type ArithmeticDifficulty,
  type ArithmeticLevel,
  type ArithmeticOperator,
  type ArithmeticSpec,
  arithmeticExamples,
  arithmeticTask,
  generateArithmetic,
  parseIntegerAnswer,
  workedSolution,
} from "./arithmetic";
export { extractAnswer, hasAnswerFormat, verdictFor } from "./completion-format";
export {
  type CountdownInstance,
  type CountdownSpec,
  countdownExamples,
  countdownInstance,
  countdownTask,
  DEFAULT_COUNTDOWN_SPEC,
  generateCountdown,
} from "./countdown";
export { type CountdownCheck, checkCountdownEquation } from "./countdown-equation";
export { answersEquivalent, lastBoxed, mathTask, normalizeMathAnswer } from "./math-answer";
export { parseMathJsonl } from "./math-jsonl";
export { formatPrompt, isOffload, OFFLOAD_TOKEN, solutionCompletion } from "./prompt-format";
export { createRng, type Rng } from "./rng";
export { builtinSplit, DEFAULT_SPLIT_SIZES, type Split, type SplitSizes, splitBySeed } from "./splits";
export type { Task, TaskExample, TaskName, Verdict } from "./types";
