/**
 * Reading GSM8K / MATH-style JSONL into task examples with a verifiable final answer. Three record
 * shapes are accepted, one JSON object per line:
 * - GSM8K: {question, answer} where the answer is a worked solution ending in "#### 42";
 * - MATH: {problem, solution} where the final answer is the last \boxed{...} of the solution
 *   (MATH-500 style records with a ready "answer" use it instead);
 * - plain: {question, answer} (or {problem, answer}) where the answer is already final.
 * A malformed line is an error naming the line, not a silently skipped example, so a broken data
 * file cannot quietly shrink a training set.
 */

import { lastBoxed } from "./math-answer";
import type { TaskExample } from "./types";

function fail(line: number, problem: string): never {
  throw new Error(`line ${line}: ${problem}`);
}

function optionalString(record: Record<string, unknown>, key: string, line: number): string | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string") fail(line, `"${key}" must be a string`);
  return value;
}

/** MATH writes "Level 3"; MATH-500 writes 3; "Level ?" (present in MATH) means unknown. */
function levelOf(level: unknown): number | undefined {
  if (typeof level === "number" && Number.isInteger(level)) return level;
  const match = typeof level === "string" ? /^Level (\d+)$/.exec(level) : null;
  return match ? Number(match[1]) : undefined;
}

interface Final {
  answer: string;
  source: "gsm8k" | "math" | "final";
  solution?: string;
}

function finalAnswer(record: Record<string, unknown>, line: number): Final {
  const answer = record.answer;
  const solution = optionalString(record, "solution", line);
  if (typeof answer === "number") {
    if (!Number.isFinite(answer)) fail(line, `"answer" must be a finite number`);
    return { answer: String(answer), source: "final", ...(solution !== undefined ? { solution } : {}) };
  }
  if (typeof answer === "string") {
    const marker = answer.lastIndexOf("####");
    if (marker >= 0) {
      const final = answer
        .slice(marker + 4)
        .trim()
        .replaceAll(",", "");
      if (final === "") fail(line, `nothing after "####" in "answer"`);
      // GSM8K's <<48/2=24>> calculator annotations are noise in a reasoning text.
      const worked = answer
        .slice(0, marker)
        .replace(/<<[^>]*>>/g, "")
        .trim();
      return { answer: final, source: "gsm8k", solution: worked };
    }
    if (answer.trim() === "") fail(line, `"answer" is empty`);
    return { answer: answer.trim(), source: "final", ...(solution !== undefined ? { solution } : {}) };
  }
  if (answer !== undefined) fail(line, `"answer" must be a string or a number`);
  if (solution === undefined) fail(line, `needs an "answer", or a "solution" with a \\boxed{...} answer`);
  const boxed = lastBoxed(solution)?.trim();
  if (!boxed) fail(line, `no complete, non-empty \\boxed{...} in "solution"`);
  return { answer: boxed, source: "math", solution };
}

function parseRecord(record: unknown, line: number, idPrefix: string): TaskExample {
  if (typeof record !== "object" || record === null || Array.isArray(record))
    fail(line, "expected a JSON object");
  const fields = record as Record<string, unknown>;
  const question = optionalString(fields, "question", line) ?? optionalString(fields, "problem", line);
  if (question === undefined || question.trim() === "") {
    fail(line, `needs a non-empty "question" or "problem"`);
  }
  const { answer, source, solution } = finalAnswer(fields, line);
  const givenId = fields.unique_id ?? fields.id;
  const subject = optionalString(fields, "type", line) ?? optionalString(fields, "subject", line);
  const difficulty = levelOf(fields.level);
  return {
    id: typeof givenId === "string" || typeof givenId === "number" ? String(givenId) : `${idPrefix}-${line}`,
    task: "math",
    question: question.trim(),
    answer,
    ...(difficulty !== undefined ? { difficulty } : {}),
    meta: {
      source,
      ...(solution !== undefined ? { solution } : {}),
      ...(subject !== undefined ? { subject } : {}),
    },
  };
}

/**
 * One example per non-blank line. Ids come from "unique_id" or "id" when present, otherwise
 * "<idPrefix>-<line number>". Throws on the first malformed line.
 */
export function parseMathJsonl(text: string, idPrefix = "math"): TaskExample[] {
  const examples: TaskExample[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      fail(line, `not valid JSON (${(error as Error).message})`);
    }
    examples.push(parseRecord(record, line, idPrefix));
  });
  return examples;
}
