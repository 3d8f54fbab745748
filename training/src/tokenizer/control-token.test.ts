import { describe, expect, it } from "vitest";
import { BpeTokenizer } from "./bpe-tokenizer";
import { OFFLOAD_TOKEN, withControlToken } from "./control-token";
import { trainBpe } from "./train-bpe";

describe("withControlToken", () => {
  const base = trainBpe(["hello world hello"], { vocabSize: 300, specialTokens: ["<|im_end|>"] }).toJSON();
  const size = BpeTokenizer.fromJSON(base).vocabSize;

  it("adds the token at the first free row as a special token", () => {
    const { json, id, added } = withControlToken(base, OFFLOAD_TOKEN, size + 4);
    expect(added).toBe(true);
    expect(id).toBe(size);
    const tok = BpeTokenizer.fromJSON(json);
    expect(tok.encode(`hi${OFFLOAD_TOKEN}`).at(-1)).toBe(id);
    expect(tok.specialIds.has(id)).toBe(true);
  });

  it("fills a hole in the ids before appending", () => {
    const holed = { ...base, added_tokens: base.added_tokens.map((t) => ({ ...t, id: t.id + 2 })) };
    expect(withControlToken(holed, OFFLOAD_TOKEN, size + 4).id).toBe(size - 1);
  });

  it("keeps an existing token and refuses when no row is free", () => {
    const once = withControlToken(base, OFFLOAD_TOKEN, size + 1);
    expect(withControlToken(once.json, OFFLOAD_TOKEN, size + 1)).toMatchObject({ id: size, added: false });
    expect(() => withControlToken(base, OFFLOAD_TOKEN, size)).toThrow(/No free embedding row/);
  });
});
