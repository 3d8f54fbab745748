/**
 * Final answers of GSM8K / MATH-style problems: finding the boxed answer in a worked solution, and
 * deciding whether two answers are the same. Reference answers and model answers are written in many
 * equivalent ways ("\$1,000", "1000 dollars", "\dfrac{3}{4}", "0.75", "90^\circ"), so both sides are
 * normalised (spacing and wrapper commands, units, delimiters dropped; fractions as a/b) and compared
 * as strings, then as numbers within 1e-6 relative. It is deliberately simple: no symbolic algebra,
 * so "2x+2" and "2(x+1)" stay different.
 */

import { verdictFor } from "./completion-format";
import type { Task } from "./types";

/** The content of the brace group opening at `text[open]`, and the index just past its "}". */
function readBraced(text: string, open: number): { content: string; end: number } | undefined {
  if (text[open] !== "{") return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return { content: text.slice(open + 1, i), end: i + 1 };
  }
  return undefined;
}

/**
 * The content of the last \boxed{...} (or \fbox{...}) in `text`, braces balanced, or of the rare
 * `\boxed 5` form; undefined when there is none or it is never closed.
 */
export function lastBoxed(text: string): string | undefined {
  const starts = [...text.matchAll(/\\(?:boxed|fbox)(?![a-zA-Z])/g)];
  const last = starts.at(-1);
  if (!last) return undefined;
  const after = last.index + last[0].length;
  const spaced = /^\s*/.exec(text.slice(after))![0].length;
  if (text[after + spaced] === "{") return readBraced(text, after + spaced)?.content;
  if (spaced === 0) return undefined;
  return /^[^\s$]+/.exec(text.slice(after + spaced))?.[0];
}

/** Replaces `\cmd{x}` by " x " for each wrapper command (\text{ cm} reads as a unit after a number). */
function unwrapTextCommands(text: string): string {
  const wrapper = /\\(?:text|textbf|textrm|textit|mathrm|mathbf|mbox)\s*(?=\{)/g;
  let out = text;
  for (let match = wrapper.exec(out); match; match = wrapper.exec(out)) {
    const group = readBraced(out, match.index + match[0].length);
    if (!group) break;
    out = `${out.slice(0, match.index)} ${group.content} ${out.slice(group.end)}`;
    wrapper.lastIndex = match.index;
  }
  return out;
}

/** A \frac argument: a brace group or a single character (\frac12). */
function readFracArg(text: string, at: number): { content: string; end: number } | undefined {
  if (text[at] === "{") return readBraced(text, at);
  const c = text[at];
  return c === undefined ? undefined : { content: c, end: at + 1 };
}

const SIMPLE_OPERAND = /^(?:[A-Za-z0-9.]+|\\[a-zA-Z]+(?:\{[^{}]*\})?)$/;

/** \frac{a}{b} as a/b, parenthesising operands that are not a single token; mixed numbers (2\frac12) as 2(1/2). */
function rewriteFracs(text: string): string {
  const at = text.indexOf("\\frac");
  if (at < 0) return text;
  const numerator = readFracArg(text, at + 5);
  const denominator = numerator && readFracArg(text, numerator.end);
  if (!numerator || !denominator) return text;
  const wrap = (s: string) => {
    const inner = rewriteFracs(s);
    return SIMPLE_OPERAND.test(inner) ? inner : `(${inner})`;
  };
  const fraction = `${wrap(numerator.content)}/${wrap(denominator.content)}`;
  const afterDigit = /\d/.test(text[at - 1] ?? "");
  return (
    text.slice(0, at) + (afterDigit ? `(${fraction})` : fraction) + rewriteFracs(text.slice(denominator.end))
  );
}

const UNIT_AFTER_NUMBER = /^([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s+[a-zA-Z][a-zA-Z\s.]*(?:\^\s*\{?\d+\}?)?$/;

/** The canonical string form of an answer; two answers with the same form are equivalent. */
export function normalizeMathAnswer(answer: string): string {
  let s = answer.trim();
  s = lastBoxed(s) ?? s;
  s = s
    .replace(/\u2212/g, "-")
    .replace(/\\(?:left|right|displaystyle)(?![a-zA-Z])/g, "")
    .replace(/\\[!,;: ]|\\q?quad(?![a-zA-Z])/g, " ");
  s = unwrapTextCommands(s)
    .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![a-zA-Z])|°/g, "")
    .replace(/\\?[%$]/g, "")
    .replace(/\\[dt]frac(?![a-zA-Z])/g, "\\frac")
    .trim()
    .replace(/^\\[([]|\\[)\]]$/g, "")
    .replace(/(\d),(?=\d{3}(?!\d))/g, "$1")
    .replace(/^\s*[a-zA-Z]\s*=(?!.*=)/, "")
    .trim()
    .replace(UNIT_AFTER_NUMBER, "$1")
    .replace(/\.+$/, "")
    .replace(/\s+/g, "")
    .replace(/\\sqrt([0-9a-zA-Z])/g, "\\sqrt{$1}");
  return rewriteFracs(s);
}

const UNSIGNED = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
const ATOM = String.raw`(${UNSIGNED}|\([-+]?${UNSIGNED}\))`;
const NUMERIC = new RegExp(`^([-+]?)${ATOM}(?:/${ATOM})?$`);

/** The value of a normalised answer that is a number or a fraction of numbers ("-3/4", "(-3)/4"). */
function numericValue(normalized: string): number | undefined {
  const match = NUMERIC.exec(normalized);
  if (!match) return undefined;
  const atom = (s: string) => Number(s.replace(/[()]/g, ""));
  const numerator = atom(match[2]!);
  const denominator = match[3] === undefined ? 1 : atom(match[3]);
  if (denominator === 0) return undefined;
  return (match[1] === "-" ? -1 : 1) * (numerator / denominator);
}

/** Same canonical form, or both numbers equal within 1e-6 relative. An empty answer equals nothing. */
export function answersEquivalent(a: string, b: string): boolean {
  const x = normalizeMathAnswer(a);
  const y = normalizeMathAnswer(b);
  if (x === "" || y === "") return false;
  if (x === y) return true;
  const vx = numericValue(x);
  const vy = numericValue(y);
  if (vx === undefined || vy === undefined) return false;
  return Math.abs(vx - vy) <= 1e-6 * Math.max(Math.abs(vx), Math.abs(vy));
}

export const mathTask: Task = {
  name: "math",
  verify: (example, completion) =>
    verdictFor(completion, (answer) => answersEquivalent(answer, example.answer)),
};
