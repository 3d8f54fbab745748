/**
 * The text stages before BPE, read from tokenizer.json: the normalizer (Unicode normal forms) and the
 * pre-tokenizer (regex Splits, then ByteLevel), which cuts text into the pieces BPE merges within.
 * The ByteLevel byte-to-character mapping itself is left to the BPE model, which works on bytes.
 */

import { escapeRegex, splitRegex } from "./split-regex";

/** Qwen2's pre-tokenizer regex, in tokenizer.json (Oniguruma) syntax. */
export const QWEN2_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** GPT-2's regex, which a ByteLevel pre-tokenizer with use_regex applies. */
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

export const QWEN2_PRE_TOKENIZER = {
  type: "Sequence",
  pretokenizers: [
    { type: "Split", pattern: { Regex: QWEN2_PATTERN }, behavior: "Isolated", invert: false },
    { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
  ],
};

type Json = Record<string, unknown>;

const NORMAL_FORMS = new Set(["NFC", "NFD", "NFKC", "NFKD"]);

/** The normalizer as a function; null means none. Unicode normal forms and Sequences of them. */
export function normalizerFromJSON(json: unknown): (text: string) => string {
  if (json === null || json === undefined) return (text) => text;
  const { type, normalizers } = json as Json;
  if (typeof type === "string" && NORMAL_FORMS.has(type)) return (text) => text.normalize(type);
  if (type === "Sequence" && Array.isArray(normalizers)) {
    const steps = normalizers.map(normalizerFromJSON);
    return (text) => steps.reduce((t, step) => step(t), text);
  }
  throw new Error(`Unsupported normalizer ${JSON.stringify(json)}.`);
}

/** Cuts text into the matches of `re` and the text between them (HF's "Isolated" behavior). */
function isolate(text: string, re: RegExp): string[] {
  const pieces: string[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m[0] === "") continue;
    if (m.index > last) pieces.push(text.slice(last, m.index));
    pieces.push(m[0]);
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  return pieces;
}

/** The Split regexes of a pre-tokenizer, in order; throws on what this tokenizer cannot do. */
function splitRegexes(json: unknown): { regexes: RegExp[]; byteLevel: boolean } {
  const o = (json ?? {}) as Json;
  if (o.type === "Sequence" && Array.isArray(o.pretokenizers)) {
    const parts = o.pretokenizers.map(splitRegexes);
    return { regexes: parts.flatMap((p) => p.regexes), byteLevel: parts.some((p) => p.byteLevel) };
  }
  if (o.type === "Split" && o.behavior === "Isolated" && !o.invert) {
    const { Regex, String: literal } = (o.pattern ?? {}) as Json;
    if (typeof Regex === "string") return { regexes: [splitRegex(Regex)], byteLevel: false };
    if (typeof literal === "string")
      return { regexes: [new RegExp(escapeRegex(literal), "gu")], byteLevel: false };
  }
  if (o.type === "ByteLevel" && o.add_prefix_space === false) {
    return { regexes: o.use_regex === false ? [] : [splitRegex(GPT2_PATTERN)], byteLevel: true };
  }
  throw new Error(`Unsupported pre-tokenizer ${JSON.stringify(json)}.`);
}

/** The pre-tokenizer as a function from text to pieces; it must include a ByteLevel step. */
export function preTokenizerFromJSON(json: unknown): (text: string) => string[] {
  const { regexes, byteLevel } = splitRegexes(json);
  if (!byteLevel)
    throw new Error("Only byte-level BPE is supported: the pre-tokenizer has no ByteLevel step.");
  return (text) => regexes.reduce((pieces, re) => pieces.flatMap((p) => isolate(p, re)), [text]);
}
