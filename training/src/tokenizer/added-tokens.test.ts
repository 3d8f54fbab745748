import { describe, expect, it } from "vitest";
import { AddedTokenSplitter } from "./added-tokens";

const splitter = new AddedTokenSplitter([
  { id: 10, content: "<|im|>", special: true },
  { id: 11, content: "<|im|>x", special: true },
  { id: 12, content: "<think>", special: false },
]);

describe("AddedTokenSplitter", () => {
  it("cuts out added tokens, longest first", () => {
    expect(splitter.split("a<|im|>xb<|im|><think>c", true)).toEqual(["a", 11, "b", 10, 12, "c"]);
    expect(splitter.split("", true)).toEqual([]);
  });

  it("leaves special tokens as text when they are not allowed, but still cuts out the others", () => {
    expect(splitter.split("a<|im|>x<think>", false)).toEqual(["a<|im|>x", 12]);
    expect(new AddedTokenSplitter([]).split("a<think>", true)).toEqual(["a<think>"]);
  });

  it("refuses an empty token", () => {
    expect(() => new AddedTokenSplitter([{ id: 0, content: "", special: false }])).toThrow(/empty/);
  });
});
