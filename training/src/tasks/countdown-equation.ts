/**
 * Checking a Countdown answer: an expression over the given numbers with + - * / and parentheses
 * that equals the target, using each given number at most once. Model output is untrusted, so it is
 * parsed by a small recursive-descent parser (never eval) and evaluated with exact rationals on
 * BigInt, so 7/3*3 is exactly 7 and large products cannot round. Numbers are non-negative integer
 * literals; unary minus is not part of the game and is rejected. A trailing "= <target>" is allowed.
 */

export type CountdownCheck = { ok: true } | { ok: false; reason: string };

interface Rational {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function rational(num: bigint, den: bigint): Rational {
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den) || 1n;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

class ParseError extends Error {}

const MAX_DEPTH = 64;

/** Parses and evaluates `expr := term (("+"|"-") term)*`, `term := factor (("*"|"/") factor)*`, `factor := int | "(" expr ")"`. */
class Parser {
  private pos = 0;
  private depth = 0;
  readonly literals: bigint[] = [];

  constructor(private readonly text: string) {}

  parse(): Rational {
    const value = this.expr();
    this.skipSpace();
    if (this.pos < this.text.length)
      throw new ParseError(`unexpected "${this.text[this.pos]}" at ${this.pos}`);
    return value;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  private expr(): Rational {
    let value = this.term();
    for (let op = this.peek(); op === "+" || op === "-"; op = this.peek()) {
      this.pos++;
      const right = this.term();
      const sign = op === "+" ? 1n : -1n;
      value = rational(value.num * right.den + sign * right.num * value.den, value.den * right.den);
    }
    return value;
  }

  private term(): Rational {
    let value = this.factor();
    for (let op = this.peek(); op === "*" || op === "/"; op = this.peek()) {
      this.pos++;
      const right = this.factor();
      if (op === "*") value = rational(value.num * right.num, value.den * right.den);
      else if (right.num === 0n) throw new ParseError("division by zero");
      else value = rational(value.num * right.den, value.den * right.num);
    }
    return value;
  }

  private factor(): Rational {
    const c = this.peek();
    if (c === "(") {
      if (++this.depth > MAX_DEPTH) throw new ParseError("parentheses nested too deeply");
      this.pos++;
      const value = this.expr();
      if (this.peek() !== ")") throw new ParseError(`missing ")" at ${this.pos}`);
      this.pos++;
      this.depth--;
      return value;
    }
    const digits = /^\d+/.exec(this.text.slice(this.pos))?.[0];
    if (digits === undefined) {
      throw new ParseError(
        c === undefined ? "unexpected end of equation" : `unexpected "${c}" at ${this.pos}`,
      );
    }
    this.pos += digits.length;
    const value = BigInt(digits);
    this.literals.push(value);
    return rational(value, 1n);
  }
}

/** Whether `equation` reaches `target` from `numbers` (each at most once); the reason when it does not. */
export function checkCountdownEquation(
  numbers: readonly number[],
  target: number,
  equation: string,
): CountdownCheck {
  const sides = equation.split("=");
  if (sides.length > 2) return { ok: false, reason: 'more than one "="' };
  if (sides.length === 2 && sides[1]!.trim() !== String(target)) {
    return { ok: false, reason: `the right-hand side "${sides[1]!.trim()}" is not the target ${target}` };
  }
  const parser = new Parser(sides[0]!);
  let value: Rational;
  try {
    value = parser.parse();
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, reason: `cannot parse: ${error.message}` };
    throw error;
  }
  const available = new Map<string, number>();
  for (const n of numbers) available.set(String(n), (available.get(String(n)) ?? 0) + 1);
  for (const literal of parser.literals) {
    const key = literal.toString();
    const left = available.get(key);
    if (left === undefined) return { ok: false, reason: `${key} is not one of the given numbers` };
    if (left === 0) return { ok: false, reason: `${key} is used more times than it is given` };
    available.set(key, left - 1);
  }
  if (value.den !== 1n || value.num !== BigInt(target)) {
    const shown = value.den === 1n ? `${value.num}` : `${value.num}/${value.den}`;
    return { ok: false, reason: `evaluates to ${shown}, not ${target}` };
  }
  return { ok: true };
}
