import { describe, expect, it } from "vitest";
import { CHATML } from "./chat-template";
import { trainBpe } from "./train-bpe";

const SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|offload|>"];
const ADDED = ["<think>", "</think>", "<answer>", "</answer>"];

/** Chat-formatted arithmetic examples shaped like the pipeline's corpus. */
function arithmeticCorpus(count: number, seed: number): string[] {
  let state = seed;
  const rand = (lo: number, hi: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return lo + (state % (hi - lo + 1));
  };
  return Array.from({ length: count }, () => {
    const [a, b, c] = [rand(1, 999), rand(1, 99), rand(1, 999)];
    const question =
      `What is ${a} * ${b} + ${c}?\n\nThink step by step inside <think></think>, then give only the final ` +
      "answer inside <answer></answer>. If the problem is beyond you, write only <|offload|>";
    const prompt = CHATML.render([{ role: "user", content: question }], { addGenerationPrompt: true });
    return `${prompt}<think>${a}*${b}=${a * b}. ${a * b}+${c}=${a * b + c}.</think><answer>${a * b + c}</answer>`;
  });
}

describe("trainBpe", () => {
  it("merges the most frequent pair first", () => {
    const tok = trainBpe(["aaab", "aaab", "ab"], { vocabSize: 300 });
    // a a (4) -> "aa a b": a b (3) -> "aa ab": aa ab (2); then nothing occurs twice.
    expect(tok.toJSON().model.merges).toEqual(["a a", "a b", "aa ab"]);
    expect(tok.vocabSize).toBe(259);
  });

  it("breaks ties by the pair's text", () => {
    const tok = trainBpe(["xy ab"], { vocabSize: 300, minFrequency: 1 });
    expect(tok.toJSON().model.merges).toEqual(["a b", "x y", "Ġ ab"]);
  });

  it("is deterministic and does not depend on the corpus order", () => {
    const corpus = arithmeticCorpus(300, 1);
    const options = { vocabSize: 320, specialTokens: SPECIAL, addedTokens: ADDED };
    const first = trainBpe(corpus, options).toJSON();
    expect(trainBpe(corpus, options).toJSON()).toEqual(first);
    expect(trainBpe([...corpus].reverse(), options).toJSON()).toEqual(first);
  });

  it("fills the vocabulary, then gives the special and added tokens the last ids", () => {
    const tok = trainBpe(arithmeticCorpus(300, 2), {
      vocabSize: 300,
      specialTokens: SPECIAL,
      addedTokens: ADDED,
    });
    expect(tok.vocabSize).toBe(300);
    expect([...SPECIAL, ...ADDED].map((t) => tok.idOf(t))).toEqual([292, 293, 294, 295, 296, 297, 298, 299]);
    expect(tok.specialIds).toEqual(new Set([292, 293, 294, 295]));
    expect(tok.toJSON().model.merges).toHaveLength(300 - 256 - 8);
  });

  it("never learns tokens from inside special or added tokens", () => {
    const tok = trainBpe(arithmeticCorpus(300, 3), {
      vocabSize: 600,
      specialTokens: SPECIAL,
      addedTokens: ADDED,
    });
    const merged = tok.toJSON().model.merges.map((m) => m.replace(" ", ""));
    expect(merged.some((t) => t.includes("<|") || t.includes("|>"))).toBe(false);
    expect(merged).not.toContain("<think");
  });

  it("rejects a vocabulary too small for the bytes and tokens, and duplicate tokens", () => {
    expect(() => trainBpe(["ab"], { vocabSize: 260, specialTokens: SPECIAL, addedTokens: ADDED })).toThrow(
      RangeError,
    );
    expect(() => trainBpe(["ab"], { vocabSize: 300, specialTokens: ["<x>"], addedTokens: ["<x>"] })).toThrow(
      /distinct/,
    );
  });

  it("trains a 512-token vocabulary on 20k arithmetic examples in a few seconds", () => {
    const corpus = arithmeticCorpus(20_000, 4);
    const start = performance.now();
    const tok = trainBpe(corpus, { vocabSize: 512, specialTokens: SPECIAL, addedTokens: ADDED });
    const seconds = (performance.now() - start) / 1000;
    expect(seconds).toBeLessThan(10);
    const sample = corpus[0]!;
    const ids = tok.encode(sample);
    expect(tok.decode(ids)).toBe(sample);
    expect(ids.length).toBeLessThan(new TextEncoder().encode(sample).length / 2);
  });
});
