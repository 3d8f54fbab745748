/**
 * Test and training sets as JSONL files, one example per line, so `eval` runs on any file and not
 * only on the built-in splits:
 * - arithmetic: {"question": "What is 12 + 30?", "answer": "42"} (answer an integer; id, difficulty
 *   and meta optional);
 * - countdown: {"question": ..., "answer": one valid equation, "meta": {"numbers": [...], "target": n}};
 * - math: GSM8K / MATH records (see math-jsonl.ts).
 * The pipeline writes its held-out split in this format. A bad line is an error naming the line.
 */

import { parseIntegerAnswer } from "./arithmetic";
import { countdownInstance } from "./countdown";
import { parseMathJsonl } from "./math-jsonl";
import type { TaskExample, TaskName } from "./types";

function parseLine(raw: string, line: number, task: TaskName): TaskExample {
  let record: unknown;
  try {
    record = JSON.parse(raw);
  } catch (error) {
    throw new Error(`line ${line}: not valid JSON (${(error as Error).message})`);
  }
  const fail = (problem: string): never => {
    throw new Error(`line ${line}: ${problem}`);
  };
  if (typeof record !== "object" || record === null || Array.isArray(record)) fail("expected a JSON object");
  const r = record as Record<string, unknown>;
  if (typeof r.question !== "string" || r.question.trim() === "") fail(`needs a non-empty "question"`);
  const answer = typeof r.answer === "number" ? String(r.answer) : r.answer;
  if (typeof answer !== "string" || answer.trim() === "") fail(`needs an "answer"`);
  if (r.task !== undefined && r.task !== task) fail(`is a "${String(r.task)}" example, not ${task}`);
  if (r.meta !== undefined && (typeof r.meta !== "object" || r.meta === null || Array.isArray(r.meta)))
    fail(`"meta" must be an object`);
  if (r.difficulty !== undefined && typeof r.difficulty !== "number") fail(`"difficulty" must be a number`);
  const example: TaskExample = {
    id: typeof r.id === "string" || typeof r.id === "number" ? String(r.id) : `${task}-${line}`,
    task,
    question: (r.question as string).trim(),
    answer: (answer as string).trim(),
    ...(r.difficulty !== undefined ? { difficulty: r.difficulty as number } : {}),
    ...(r.meta !== undefined ? { meta: r.meta as Record<string, unknown> } : {}),
  };
  if (task === "arithmetic" && parseIntegerAnswer(example.answer) === undefined)
    fail(`"answer" must be an integer for arithmetic, got "${example.answer}"`);
  if (task === "countdown") {
    try {
      countdownInstance(example);
    } catch {
      fail(`countdown needs "meta": {"numbers": [integers], "target": integer}`);
    }
  }
  return example;
}

export function readTaskJsonl(text: string, task: TaskName): TaskExample[] {
  if (task === "math") return parseMathJsonl(text);
  const examples: TaskExample[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() !== "") examples.push(parseLine(raw, i + 1, task));
  });
  if (examples.length === 0) throw new Error("The file has no examples.");
  return examples;
}

export const toJsonl = (examples: readonly TaskExample[]): string =>
  `${examples.map((e) => JSON.stringify(e)).join("\n")}\n`;
