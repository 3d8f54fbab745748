import { describe, expect, it } from "vitest";
import { normalizerFromJSON, preTokenizerFromJSON, QWEN2_PRE_TOKENIZER } from "./pre-tokenizer";

const LLAMA3_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false };

describe("Qwen2 pre-tokenizer", () => {
  const split = preTokenizerFromJSON(QWEN2_PRE_TOKENIZER);

  it("splits words, single digits, punctuation and whitespace as Hugging Face does", () => {
    expect(split("Hello world! I'M 123 ok\n\n  x")).toEqual([
      "Hello",
      " world",
      "!",
      " I",
      "'M",
      " ",
      "1",
      "2",
      "3",
      " ok",
      "\n\n",
      " ",
      " x",
    ]);
    expect(split("What is 12*3+5?")).toEqual(["What", " is", " ", "1", "2", "*", "3", "+", "5", "?"]);
  });

  it("loses no text", () => {
    const text = "a   b\n\n  c\t\r\n€x 中文😀 ...\n";
    expect(split(text).join("")).toBe(text);
  });
});

describe("other pre-tokenizers", () => {
  it("groups digits by three with the Llama-3 pattern", () => {
    const split = preTokenizerFromJSON({
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: LLAMA3_PATTERN }, behavior: "Isolated", invert: false },
        byteLevel,
      ],
    });
    expect(split("x 12345")).toEqual(["x", " ", "123", "45"]);
  });

  it("applies GPT-2's regex for a ByteLevel step with use_regex", () => {
    const split = preTokenizerFromJSON({ ...byteLevel, use_regex: true });
    expect(split("Hello  world 42")).toEqual(["Hello", " ", " world", " 42"]);
  });

  it("keeps the text between matches of a literal Split", () => {
    const split = preTokenizerFromJSON({
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { String: "||" }, behavior: "Isolated", invert: false },
        byteLevel,
      ],
    });
    expect(split("a||b||")).toEqual(["a", "||", "b", "||"]);
  });

  it("rejects what it does not implement", () => {
    expect(() => preTokenizerFromJSON({ ...byteLevel, add_prefix_space: true })).toThrow(/Unsupported/);
    expect(() => preTokenizerFromJSON({ type: "Whitespace" })).toThrow(/Unsupported/);
    expect(() =>
      preTokenizerFromJSON({ type: "Split", pattern: { Regex: "\\s" }, behavior: "Isolated", invert: false }),
    ).toThrow(/ByteLevel/);
  });
});

describe("normalizer", () => {
  it("applies Unicode normal forms, alone or in a Sequence", () => {
    expect(normalizerFromJSON(null)("e\u0301")).toBe("e\u0301");
    expect(normalizerFromJSON({ type: "NFC" })("e\u0301")).toBe("é");
    expect(
      normalizerFromJSON({ type: "Sequence", normalizers: [{ type: "NFKD" }, { type: "NFC" }] })("ﬁé"),
    ).toBe("fié");
    expect(() => normalizerFromJSON({ type: "Lowercase" })).toThrow(/Unsupported normalizer/);
  });
});
