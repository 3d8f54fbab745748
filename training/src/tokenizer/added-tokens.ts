/**
 * Added tokens (HF `added_tokens`): exact strings such as `<|im_end|>` or `<think>` that are cut out of
 * the text before normalization and pre-tokenization and become one id each. At any position the
 * longest one that matches wins.
 */

import { escapeRegex } from "./split-regex";

export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens are control tokens: encoded only when allowed, dropped by decode's skipSpecial. */
  special: boolean;
}

function alternation(tokens: readonly AddedToken[]): RegExp | undefined {
  if (tokens.length === 0) return undefined;
  const sorted = tokens.map((t) => t.content).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return new RegExp(sorted.map(escapeRegex).join("|"), "gu");
}

export class AddedTokenSplitter {
  private readonly ids: ReadonlyMap<string, number>;
  private readonly all: RegExp | undefined;
  private readonly nonSpecial: RegExp | undefined;

  constructor(tokens: readonly AddedToken[]) {
    if (tokens.some((t) => t.content === "")) throw new Error("An added token cannot be empty.");
    this.ids = new Map(tokens.map((t) => [t.content, t.id]));
    this.all = alternation(tokens);
    this.nonSpecial = alternation(tokens.filter((t) => !t.special));
  }

  /**
   * The text as ordinary text runs (strings) and added-token ids (numbers), in order. Without
   * `allowSpecial`, special tokens are left in the text runs as plain text.
   */
  split(text: string, allowSpecial: boolean): Array<string | number> {
    const re = allowSpecial ? this.all : this.nonSpecial;
    if (re === undefined) return text === "" ? [] : [text];
    const parts: Array<string | number> = [];
    let last = 0;
    for (const m of text.matchAll(re)) {
      if (m.index > last) parts.push(text.slice(last, m.index));
      parts.push(this.ids.get(m[0])!);
      last = m.index + m[0].length;
    }
    if (last < text.length) parts.push(text.slice(last));
    return parts;
  }
}
