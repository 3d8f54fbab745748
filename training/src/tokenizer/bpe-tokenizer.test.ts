import { describe, expect, it } from "vitest";
import { BpeTokenizer } from "./bpe-tokenizer";
import { QWEN2_PATTERN } from "./pre-tokenizer";
import { trainBpe } from "./train-bpe";

const flags = { single_word: false, lstrip: false, rstrip: false, normalized: false };

/** A tiny tokenizer.json in Qwen2's layout, merges written both ways. */
function handWritten(merges: unknown[]) {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [
      { id: 11, content: "<|im_end|>", ...flags, special: true },
      { id: 12, content: "<x>", ...flags, special: false },
    ],
    normalizer: { type: "NFC" },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: QWEN2_PATTERN }, behavior: "Isolated", invert: false },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: { a: 0, b: 1, c: 2, Ġ: 3, "'": 4, S: 5, ab: 6, bc: 7, Ġa: 8, Ġab: 9, "'S": 10 },
      merges,
    },
  };
}

const MERGES: Array<string | [string, string]> = ["Ġ a", "a b", ["b", "c"], ["Ġa", "b"], "' S"];

describe("BpeTokenizer from a hand-written tokenizer.json", () => {
  const tok = BpeTokenizer.fromJSON(JSON.stringify(handWritten(MERGES)));

  it("encodes by merge rank within each pre-token", () => {
    expect(tok.encode(" abc")).toEqual([8, 7]); // Ġ a b c -> Ġa b c -> Ġa bc (b c outranks Ġa b)
    expect(tok.encode(" ab")).toEqual([9]); // Ġa b -> Ġab
    expect(tok.encode("abc")).toEqual([6, 2]); // a b outranks b c
    expect(tok.encode("abc'Sa")).toEqual([6, 2, 10, 0]); // (?i:'s) splits "'S" from "a"
  });

  it("gives different tokens when the merge ranks change", () => {
    const swapped = BpeTokenizer.fromJSON(handWritten(["Ġ a", ["b", "c"], "a b", "Ġa b", "' S"]));
    expect(swapped.encode("abc")).toEqual([0, 7]);
  });

  it("reads merges as strings and as pairs alike", () => {
    const asPairs = BpeTokenizer.fromJSON(
      handWritten(MERGES.map((m) => (typeof m === "string" ? m.split(" ") : m))),
    );
    const asStrings = BpeTokenizer.fromJSON(
      handWritten(MERGES.map((m) => (typeof m === "string" ? m : m.join(" ")))),
    );
    for (const text of [" abc", "abc'Sa", "ab<|im_end|>c<x>"]) {
      expect(asPairs.encode(text)).toEqual(tok.encode(text));
      expect(asStrings.encode(text)).toEqual(tok.encode(text));
    }
  });

  it("cuts out added tokens and looks tokens up both ways", () => {
    expect(tok.encode("ab<|im_end|>c<x>")).toEqual([6, 11, 2, 12]);
    expect(tok.decode([6, 11, 2, 12])).toBe("ab<|im_end|>c<x>");
    expect(tok.decode([6, 11, 2, 12], { skipSpecial: true })).toBe("abc<x>");
    expect([tok.idOf("Ġa"), tok.idOf("<|im_end|>"), tok.idOf("zz")]).toEqual([8, 11, undefined]);
    expect([tok.tokenOf(8), tok.tokenOf(12), tok.tokenOf(99)]).toEqual(["Ġa", "<x>", undefined]);
    expect(tok.vocabSize).toBe(13);
    expect([...tok.specialIds]).toEqual([11]);
  });

  it("writes back the tokenizer.json it read", () => {
    const json = tok.toJSON();
    expect(json.model.merges).toEqual(["Ġ a", "a b", "b c", "Ġa b", "' S"]);
    const original = handWritten(MERGES);
    expect({ ...json, model: { ...json.model, merges: original.model.merges } }).toEqual(original);
  });

  it("rejects tokenizers it cannot reproduce", () => {
    const variant = (patch: object, model: object = {}) => {
      const json = handWritten(MERGES);
      return { ...json, ...patch, model: { ...json.model, ...model } };
    };
    expect(() => BpeTokenizer.fromJSON(variant({}, { byte_fallback: true }))).toThrow(
      /Unsupported tokenizer model/,
    );
    expect(() => BpeTokenizer.fromJSON(variant({}, { type: "WordPiece" }))).toThrow(
      /Unsupported tokenizer model/,
    );
    expect(() => BpeTokenizer.fromJSON(variant({}, { continuing_subword_prefix: "##" }))).toThrow(
      /Unsupported/,
    );
    expect(() => BpeTokenizer.fromJSON(variant({ decoder: { type: "Metaspace" } }))).toThrow(/decoder/);
    expect(() => BpeTokenizer.fromJSON(variant({ decoder: null }))).toThrow(/decoder/);
    expect(() => BpeTokenizer.fromJSON(variant({ pre_tokenizer: null }))).toThrow(/pre-tokenizer/);
    expect(() => BpeTokenizer.fromJSON(variant({}, { merges: ["a b c"] }))).toThrow(/Merge 0/);
  });

  it("keeps Llama-3's ignore_merges", () => {
    const llama = BpeTokenizer.fromJSON({
      ...handWritten(MERGES),
      model: { ...handWritten(MERGES).model, ignore_merges: true },
    });
    expect(llama.encode("abc")).toEqual([6, 2]); // "abc" is not in the vocabulary: merged as usual
    expect(llama.toJSON().model.ignore_merges).toBe(true);
  });
});

describe("BpeTokenizer trained on chat text", () => {
  const corpus = [
    "<|im_start|>user\nWhat is 12*3+5?<|im_end|>\n<|im_start|>assistant\n<think>12*3=36. 36+5=41.</think><answer>41</answer><|im_end|>",
    "Café au lait, s'il vous plaît. 中文 测试 😀😀 naïve résumé",
    "a   b\n\n  c\t\tdone\r\n",
  ];
  const tok = trainBpe(corpus, {
    vocabSize: 400,
    specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|offload|>"],
    addedTokens: ["<think>", "</think>", "<answer>", "</answer>"],
  });

  it.each([
    "Hello, world! The quick brown fox.",
    "é 中文 emoji 😀 and mixed: naïve😀中",
    "a   b\n\n  c",
    "  leading and trailing  \n",
    "0123456789 -42 3.14 1,000",
    "",
  ])("round-trips %j", (text) => {
    expect(tok.decode(tok.encode(text))).toBe(text);
  });

  it("joins a character's bytes across tokens before decoding", () => {
    const ids = tok.encode("😀x");
    expect(ids.length).toBeGreaterThan(1);
    const emojiIds = tok.encode("😀");
    expect(tok.decode(emojiIds)).toBe("😀");
    if (emojiIds.length > 1) expect(tok.decode(emojiIds.slice(0, 1))).toBe("\uFFFD");
    const raw = tok.encode("\u{1D11E}"); // no byte pair of it seen in training: four byte tokens
    expect(raw).toHaveLength(4);
    expect(tok.decode(raw)).toBe("\u{1D11E}");
    expect(tok.decode(raw.slice(0, 2))).toBe("\uFFFD");
  });

  it("encodes special and added tokens as single ids", () => {
    const offload = tok.idOf("<|offload|>")!;
    expect(tok.encode("<|offload|>")).toEqual([offload]);
    expect(tok.encode("x<think>y</think>")).toEqual([
      ...tok.encode("x"),
      tok.idOf("<think>")!,
      ...tok.encode("y"),
      tok.idOf("</think>")!,
    ]);
    expect(tok.specialIds).toEqual(
      new Set(["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|offload|>"].map((t) => tok.idOf(t))),
    );
  });

  it("treats special tokens as text when they are not allowed", () => {
    const ids = tok.encode("<|offload|><think>", { allowSpecial: false });
    expect(ids).not.toContain(tok.idOf("<|offload|>"));
    expect(ids.at(-1)).toBe(tok.idOf("<think>"));
    expect(ids.length).toBeGreaterThan(2);
    expect(tok.decode(ids)).toBe("<|offload|><think>");
  });

  it("drops special tokens but keeps added ones when decoding with skipSpecial", () => {
    const ids = tok.encode("<|im_start|>assistant\n<answer>41</answer><|im_end|>");
    expect(tok.decode(ids, { skipSpecial: true })).toBe("assistant\n<answer>41</answer>");
    expect(tok.decode(ids)).toBe("<|im_start|>assistant\n<answer>41</answer><|im_end|>");
  });

  it("encodes the same after a toJSON -> fromJSON round trip", () => {
    const again = BpeTokenizer.fromJSON(JSON.stringify(tok));
    expect(again.toJSON()).toEqual(tok.toJSON());
    expect(again.vocabSize).toBe(tok.vocabSize);
    for (const text of [...corpus, "What is 987*65-4?", "é 中文 😀 a   b\n\n  c"]) {
      expect(again.encode(text)).toEqual(tok.encode(text));
    }
  });
});
