/**
 * The shapes every task shares: an example with a verifiable answer, and a verifier that scores a
 * model completion. GAPG's reward only needs "was the local answer right, and was it well formed",
 * so that is all a verdict says.
 */

export interface TaskExample {
  id: string;
  task: "arithmetic" | "math" | "countdown";
  question: string;
  /** One correct final answer (for countdown: one valid equation; the verifier accepts any). */
  answer: string;
  difficulty?: number;
  meta?: Record<string, unknown>;
}

export type TaskName = TaskExample["task"];

export interface Verdict {
  /** The extracted answer is right (no <answer> block means no answer, so never correct). */
  correct: boolean;
  /** The completion is exactly <think>...</think> then <answer>...</answer>, whitespace aside. */
  formatOk: boolean;
  /** Content of the last <answer>...</answer>, trimmed, when there is one. */
  extracted?: string;
}

export interface Task {
  name: TaskName;
  verify(example: TaskExample, completion: string): Verdict;
}
