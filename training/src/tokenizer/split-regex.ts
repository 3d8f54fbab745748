/**
 * Turns a Hugging Face Split pattern (Oniguruma syntax) into a JavaScript RegExp. The one construct
 * the Qwen2 and Llama-3 patterns use that JavaScript lacks is the inline case-insensitive group
 * `(?i:...)`; it becomes `(?:...)` with every cased letter inside spelled as a class (`s` -> `[sS]`).
 * Limitation: a letter range inside a class inside `(?i:...)` (`(?i:[a-z])`) and other inline flags
 * (`(?i)`, `(?-i:`, `(?s:`) are rejected; other Oniguruma-only syntax fails as a RegExp SyntaxError.
 */

/** The index just past the escape sequence that starts at `i` (a backslash). */
function escapeEnd(source: string, i: number): number {
  const kind = source[i + 1];
  const open = source[i + 2];
  if ((kind === "p" || kind === "P" || kind === "u") && open === "{") return source.indexOf("}", i) + 1;
  if (kind === "k" && open === "<") return source.indexOf(">", i) + 1;
  if (kind === "u") return i + 6;
  if (kind === "x") return i + 4;
  if (kind === "c") return i + 3;
  return i + 2;
}

/** The case variants of one character (itself first), keeping only single-character ones. */
function caseVariants(c: string): string[] {
  const variants = new Set([c, c.toLowerCase(), c.toUpperCase()]);
  return [...variants].filter((v) => [...v].length === 1);
}

/** The JavaScript equivalent of a Split regex, with the global and unicode flags. */
export function splitRegex(source: string): RegExp {
  let out = "";
  const groups: boolean[] = []; // for each open group: is it a (?i:...) group
  let fold = 0; // the number of enclosing (?i:...) groups
  let classStart = -1; // index of the open "[" while inside a class
  let i = 0;
  while (i < source.length) {
    const c = String.fromCodePoint(source.codePointAt(i)!);
    if (c === "\\") {
      const end = escapeEnd(source, i);
      out += source.slice(i, end);
      i = end;
      continue;
    }
    if (classStart >= 0) {
      if (c === "]") classStart = -1;
      const variants = fold > 0 ? caseVariants(c) : [c];
      if (variants.length > 1) {
        const inRange =
          (source[i + 1] === "-" && source[i + 2] !== "]") ||
          (source[i - 1] === "-" && i - 1 > classStart + 1);
        if (inRange) throw new SyntaxError(`Unsupported letter range inside (?i:...) in /${source}/.`);
      }
      out += variants.join("");
    } else if (c === "[") {
      classStart = i;
      out += c;
    } else if (c === "(") {
      if (source.startsWith("(?i:", i)) {
        groups.push(true);
        fold++;
        out += "(?:";
        i += 4;
        continue;
      }
      const prefix = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)|^\((?!\?)/.exec(source.slice(i))?.[0];
      if (prefix === undefined) throw new SyntaxError(`Unsupported group at ${i} in /${source}/.`);
      groups.push(false);
      out += prefix;
      i += prefix.length;
      continue;
    } else if (c === ")") {
      if (groups.pop()) fold--;
      out += c;
    } else {
      const variants = fold > 0 ? caseVariants(c) : [c];
      out += variants.length > 1 ? `[${variants.join("")}]` : c;
    }
    i += c.length;
  }
  return new RegExp(out, "gu");
}

/** A literal string as RegExp source (valid with the unicode flag). */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}
