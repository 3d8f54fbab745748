/**
 * Synthetic integer arithmetic with a difficulty knob. The levels run from what a tiny on-device
 * model learns quickly (one-digit sums) to what it cannot do reliably (three-digit multi-operand
 * products), so the policy has both prompts to answer itself and prompts worth sending to the cloud.
 * Answers are exact, which makes the reward unambiguous.
 */

import { verdictFor } from "./completion-format";
import { createRng, type Rng } from "./rng";
import type { Task, TaskExample } from "./types";

export type ArithmeticOperator = "+" | "-" | "*";

export interface ArithmeticSpec {
  /** Digits per operand, inclusive range (one-digit operands are 1-9). */
  digits: [number, number];
  /** Operands per expression, inclusive range, at least 2. */
  operands: [number, number];
  operators: ArithmeticOperator[];
  /**
   * Two operands of the same length whose column sums never reach 10, worked column by column.
   * Held-out problems are then new combinations of digit facts every training set covers, so a
   * small model can answer problems it never saw; one-digit sums (100 in all) would be memorised.
   */
  noCarry?: boolean;
}

export type ArithmeticLevel = 1 | 2 | 3 | 4 | 5;

export const ARITHMETIC_LEVELS: Readonly<Record<ArithmeticLevel, ArithmeticSpec>> = {
  1: { digits: [2, 3], operands: [2, 2], operators: ["+"], noCarry: true },
  2: { digits: [1, 2], operands: [2, 2], operators: ["+", "-"] },
  3: { digits: [2, 2], operands: [2, 3], operators: ["+", "-"] },
  4: { digits: [1, 2], operands: [2, 3], operators: ["+", "-", "*"] },
  5: { digits: [3, 3], operands: [3, 4], operators: ["+", "-", "*"] },
};

const ALL_LEVELS: readonly ArithmeticLevel[] = [1, 2, 3, 4, 5];

/** One spec, one level, or a mix of levels (each example picks one uniformly; repeat a level to weight it). */
export type ArithmeticDifficulty = ArithmeticSpec | ArithmeticLevel | readonly ArithmeticLevel[];

interface Expression {
  operands: number[];
  operators: ArithmeticOperator[];
}

/** Evaluates with * before + and -, left to right, recording each step as "a*b=c." */
function evaluate({ operands, operators }: Expression): { value: number; steps: string[] } {
  const steps: string[] = [];
  const terms = [operands[0]!];
  const signs: ("+" | "-")[] = [];
  operators.forEach((op, i) => {
    const right = operands[i + 1]!;
    if (op === "*") {
      const left = terms.pop()!;
      const product = left * right;
      steps.push(`${left}*${right}=${product}.`);
      terms.push(product);
    } else {
      signs.push(op);
      terms.push(right);
    }
  });
  let value = terms[0]!;
  signs.forEach((sign, i) => {
    const right = terms[i + 1]!;
    const next = sign === "+" ? value + right : value - right;
    steps.push(`${value}${sign}${right}=${next}.`);
    value = next;
  });
  return { value, steps };
}

/** Operands of at most d digits, n of them, keep every value below 10^(d*n); 10^15 < 2^53 keeps it exact. */
function checkSpec(spec: ArithmeticSpec): void {
  const [minDigits, maxDigits] = spec.digits;
  const [minOperands, maxOperands] = spec.operands;
  const ok =
    [minDigits, maxDigits, minOperands, maxOperands].every(Number.isInteger) &&
    minDigits >= 1 &&
    minDigits <= maxDigits &&
    minOperands >= 2 &&
    minOperands <= maxOperands &&
    maxDigits * maxOperands <= 15 &&
    spec.operators.length > 0 &&
    (!spec.noCarry || (maxOperands === 2 && spec.operators.every((op) => op === "+")));
  if (!ok) throw new RangeError(`Invalid arithmetic spec ${JSON.stringify(spec)}.`);
}

/** Two same-length operands, column by column, each column's digits summing to at most 9. */
function noCarryOperands(rng: Rng, digits: number): number[] {
  let a = 0;
  let b = 0;
  for (let column = 0; column < digits; column++) {
    const leading = column === 0;
    const x = rng.int(leading ? 1 : 0, leading ? 8 : 9);
    const y = rng.int(leading ? 1 : 0, 9 - x);
    a = a * 10 + x;
    b = b * 10 + y;
  }
  return [a, b];
}

function randomExpression(rng: Rng, spec: ArithmeticSpec): Expression {
  if (spec.noCarry)
    return { operands: noCarryOperands(rng, rng.int(spec.digits[0], spec.digits[1])), operators: ["+"] };
  const count = rng.int(spec.operands[0], spec.operands[1]);
  const operands = Array.from({ length: count }, () => {
    const digits = rng.int(spec.digits[0], spec.digits[1]);
    return rng.int(10 ** (digits - 1), 10 ** digits - 1);
  });
  const operators = Array.from({ length: count - 1 }, () => rng.pick(spec.operators));
  return { operands, operators };
}

function levelsOf(difficulty: ArithmeticDifficulty): readonly ArithmeticLevel[] | undefined {
  if (typeof difficulty === "number") return [difficulty];
  return Array.isArray(difficulty) ? (difficulty as readonly ArithmeticLevel[]) : undefined;
}

/** An endless, seed-determined stream of arithmetic examples (ids are "arithmetic-<seed>-<index>"). */
export function* arithmeticExamples(
  seed: number,
  difficulty: ArithmeticDifficulty = ALL_LEVELS,
): Generator<TaskExample, never> {
  const levels = levelsOf(difficulty);
  if (levels?.length === 0) throw new RangeError("An arithmetic level mix needs at least one level.");
  for (const level of levels ?? []) {
    if (!Object.hasOwn(ARITHMETIC_LEVELS, level)) throw new RangeError(`Unknown arithmetic level ${level}.`);
  }
  const specs = levels?.map((level) => ARITHMETIC_LEVELS[level]) ?? [difficulty as ArithmeticSpec];
  specs.forEach(checkSpec);
  const rng = createRng(seed);
  for (let index = 0; ; index++) {
    const pick = rng.int(0, specs.length - 1);
    const expression = randomExpression(rng, specs[pick]!);
    const { value } = evaluate(expression);
    const text = expression.operands
      .map((operand, i) => (i === 0 ? `${operand}` : `${expression.operators[i - 1]} ${operand}`))
      .join(" ");
    const level = levels?.[pick];
    yield {
      id: `arithmetic-${seed}-${index}`,
      task: "arithmetic",
      question: `What is ${text}?`,
      answer: String(value),
      ...(level !== undefined ? { difficulty: level } : {}),
      meta: {
        operands: expression.operands,
        operators: expression.operators,
        ...(specs[pick]!.noCarry ? { columns: true } : {}),
      },
    };
  }
}

/** `count` examples, the same for the same seed and difficulty. Default: all five levels mixed. */
export function generateArithmetic(
  count: number,
  seed: number,
  difficulty: ArithmeticDifficulty = ALL_LEVELS,
): TaskExample[] {
  const stream = arithmeticExamples(seed, difficulty);
  return Array.from({ length: count }, () => stream.next().value);
}

function expressionOf(example: TaskExample): Expression {
  const operands = example.meta?.operands;
  const operators = example.meta?.operators;
  const valid =
    Array.isArray(operands) &&
    Array.isArray(operators) &&
    operands.length === operators.length + 1 &&
    operands.every((n) => Number.isSafeInteger(n)) &&
    operators.every((op) => op === "+" || op === "-" || op === "*");
  if (!valid) throw new Error(`Example ${example.id} has no arithmetic expression in its meta.`);
  return { operands, operators };
}

/** Right-aligned digit columns of a + b, most significant first; the shorter operand padded with 0. */
export function sumColumns(a: number, b: number): Array<[number, number]> {
  const [x, y] = [String(a), String(b)];
  const width = Math.max(x.length, y.length);
  const [px, py] = [x.padStart(width, "0"), y.padStart(width, "0")];
  return [...px].map((d, i) => [Number(d), Number(py[i])]);
}

/**
 * Short step-by-step reasoning for warm-up: products first, then sums left to right
 * ("12*3=36. 36+5=41."); two-operand sums column by column only, most significant column first, the
 * shorter operand padded with 0 ("0+4=4. 2+5=7. 3+1=4."): the answer's digits are the column sums
 * when no column carries.
 */
export function workedSolution(example: TaskExample): string {
  const expression = expressionOf(example);
  if (example.meta?.columns !== true) return evaluate(expression).steps.join(" ");
  const [a, b] = expression.operands as [number, number];
  return sumColumns(a, b)
    .map(([x, y]) => `${x}+${y}=${x + y}.`)
    .join(" ");
}

/** An integer answer: optional sign, digits (thousands commas allowed), optionally ".0"; else undefined. */
export function parseIntegerAnswer(text: string): bigint | undefined {
  const match = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?$/.exec(text.trim());
  if (!match) return undefined;
  const magnitude = BigInt(match[2]!.replaceAll(",", ""));
  return match[1] === "-" ? -magnitude : magnitude;
}

export const arithmeticTask: Task = {
  name: "arithmetic",
  verify: (example, completion) =>
    verdictFor(completion, (answer) => parseIntegerAnswer(answer) === BigInt(example.answer)),
};
