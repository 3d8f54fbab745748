/**
 * GPT-2's byte-level alphabet, shared by Qwen2 and Llama-3 tokenizers: every byte maps to one
 * printable character, so a token's text is a plain string (a space is stored as "Ġ", a newline
 * as "Ċ").
 */

function buildByteToChar(): string[] {
  const printable: number[] = [];
  const ranges: Array<[number, number]> = [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ];
  for (const [lo, hi] of ranges) for (let b = lo; b <= hi; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + extra++);
  }
  return table;
}

export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const utf8 = new TextEncoder();

/** The byte-level token text for a piece of ordinary text. */
export function toByteLevel(text: string): string {
  return Array.from(utf8.encode(text), (b) => BYTE_TO_CHAR[b]).join("");
}

const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/**
 * The bytes a byte-level token text stands for (the inverse of `toByteLevel`). A character outside
 * the alphabet stands for its own UTF-8 bytes, as in Hugging Face's ByteLevel decoder.
 */
export function fromByteLevel(token: string): Uint8Array {
  const bytes: number[] = [];
  for (const c of token) {
    const b = CHAR_TO_BYTE.get(c);
    if (b !== undefined) bytes.push(b);
    else bytes.push(...utf8.encode(c));
  }
  return Uint8Array.from(bytes);
}
