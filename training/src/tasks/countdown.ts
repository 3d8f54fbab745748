/**
 * The Countdown game (the paper's main RL task): reach a target from 3-4 given numbers with
 * + - * / and parentheses, each number at most once. Instances are built backwards from a random
 * expression over the numbers, so every one is solvable and the stored answer is a witness; the
 * verifier accepts any valid equation, not just the stored one.
 */

import { verdictFor } from "./completion-format";
import { checkCountdownEquation } from "./countdown-equation";
import { createRng, type Rng } from "./rng";
import type { Task, TaskExample } from "./types";

export interface CountdownSpec {
  /** How many numbers an instance gives, inclusive range. */
  count: [number, number];
  /** Numbers are drawn from 1..maxNumber. */
  maxNumber: number;
  /** Targets are integers in 1..maxTarget. */
  maxTarget: number;
}

/** 3-4 numbers in 1-99 and targets up to 100, as in the Countdown-Tasks-3to4 data TinyZero-style RL uses. */
export const DEFAULT_COUNTDOWN_SPEC: CountdownSpec = { count: [3, 4], maxNumber: 99, maxTarget: 100 };

export interface CountdownInstance {
  numbers: number[];
  target: number;
}

type Operator = "+" | "-" | "*" | "/";

/** A built sub-expression: its value, its text and the precedence of its top operator (3 = a number). */
interface Node {
  value: number;
  text: string;
  precedence: number;
}

const PRECEDENCE: Record<Operator, number> = { "+": 1, "-": 1, "*": 2, "/": 2 };

/** "left op right" with only the parentheses precedence needs (a - (b + c), a / (b * c)). */
function combine(left: Node, op: Operator, right: Node, value: number): Node {
  const precedence = PRECEDENCE[op];
  const leftText = left.precedence < precedence ? `(${left.text})` : left.text;
  const rightNeedsParens =
    right.precedence < precedence || (right.precedence === precedence && (op === "-" || op === "/"));
  const rightText = rightNeedsParens ? `(${right.text})` : right.text;
  return { value, text: `${leftText} ${op} ${rightText}`, precedence };
}

/**
 * Combines two random nodes at a time until one is left. Every intermediate value is a positive
 * integer (larger - smaller, exact division only), and no step multiplies or divides by 1 or
 * subtracts to 0, which would make a number pointless.
 */
function randomSolution(rng: Rng, numbers: readonly number[]): Node {
  const nodes: Node[] = numbers.map((n) => ({ value: n, text: String(n), precedence: 3 }));
  while (nodes.length > 1) {
    const a = nodes.splice(rng.int(0, nodes.length - 1), 1)[0]!;
    const b = nodes.splice(rng.int(0, nodes.length - 1), 1)[0]!;
    const [big, small] = a.value >= b.value ? [a, b] : [b, a];
    const options: (() => Node)[] = [() => combine(a, "+", b, a.value + b.value)];
    if (big.value !== small.value) options.push(() => combine(big, "-", small, big.value - small.value));
    if (small.value > 1) {
      options.push(() => combine(a, "*", b, a.value * b.value));
      if (big.value % small.value === 0) {
        options.push(() => combine(big, "/", small, big.value / small.value));
      }
    }
    nodes.push(rng.pick(options)());
  }
  return nodes[0]!;
}

function checkSpec(spec: CountdownSpec): void {
  const [min, max] = spec.count;
  const ok =
    [min, max, spec.maxNumber, spec.maxTarget].every(Number.isSafeInteger) &&
    min >= 2 &&
    min <= max &&
    max <= 6 &&
    spec.maxNumber >= 2 &&
    spec.maxTarget >= 1;
  if (!ok) throw new RangeError(`Invalid countdown spec ${JSON.stringify(spec)}.`);
}

const MAX_ATTEMPTS = 10_000;

/**
 * An endless, seed-determined stream of solvable instances (ids "countdown-<seed>-<index>"). A
 * draw is redone when the target falls outside 1..maxTarget or equals one of the numbers.
 */
export function* countdownExamples(
  seed: number,
  spec: CountdownSpec = DEFAULT_COUNTDOWN_SPEC,
): Generator<TaskExample, never> {
  checkSpec(spec);
  const rng = createRng(seed);
  for (let index = 0; ; index++) {
    let found: { numbers: number[]; solution: Node } | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !found; attempt++) {
      const numbers = Array.from({ length: rng.int(spec.count[0], spec.count[1]) }, () =>
        rng.int(1, spec.maxNumber),
      );
      const solution = randomSolution(rng, numbers);
      if (solution.value <= spec.maxTarget && !numbers.includes(solution.value))
        found = { numbers, solution };
    }
    if (!found)
      throw new Error(`No countdown instance within ${MAX_ATTEMPTS} draws for ${JSON.stringify(spec)}.`);
    const { numbers, solution } = found;
    const target = solution.value;
    yield {
      id: `countdown-${seed}-${index}`,
      task: "countdown",
      question:
        `Using the numbers [${numbers.join(", ")}], create an equation that equals ${target}. ` +
        "You may use +, -, *, / and parentheses, and each number at most once. " +
        "Answer with the expression only, for example (1 + 2) * 3.",
      answer: solution.text,
      difficulty: numbers.length,
      meta: { numbers, target },
    };
  }
}

/** `count` solvable instances, the same for the same seed and spec. */
export function generateCountdown(
  count: number,
  seed: number,
  spec: CountdownSpec = DEFAULT_COUNTDOWN_SPEC,
): TaskExample[] {
  const stream = countdownExamples(seed, spec);
  return Array.from({ length: count }, () => stream.next().value);
}

/** The numbers and target stored in a countdown example's meta; throws when they are missing. */
export function countdownInstance(example: TaskExample): CountdownInstance {
  const numbers = example.meta?.numbers;
  const target = example.meta?.target;
  const valid =
    Array.isArray(numbers) && numbers.every((n) => Number.isSafeInteger(n)) && Number.isSafeInteger(target);
  if (!valid) throw new Error(`Example ${example.id} has no countdown numbers and target in its meta.`);
  return { numbers, target: target as number };
}

export const countdownTask: Task = {
  name: "countdown",
  verify(example, completion) {
    const { numbers, target } = countdownInstance(example);
    return verdictFor(completion, (answer) => checkCountdownEquation(numbers, target, answer).ok);
  },
};
