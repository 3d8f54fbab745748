import { describe, expect, it } from "vitest";
import { BpeModel, type Merge } from "./bpe-model";
import { BYTE_TO_CHAR, toByteLevel } from "./byte-level";

/** The textbook algorithm (GPT-2's Python): merge every occurrence of the best-ranked pair, repeat. */
function referenceMerge(piece: string, merges: readonly Merge[]): string[] {
  const ranks = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
  let symbols = [...toByteLevel(piece)];
  for (;;) {
    let best: number | undefined;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const r = ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
      if (r !== undefined && (best === undefined || r < best)) best = r;
    }
    if (best === undefined) return symbols;
    const [a, b] = merges[best]!;
    const out: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
      if (symbols[i] === a && symbols[i + 1] === b) {
        out.push(a + b);
        i++;
      } else out.push(symbols[i]!);
    }
    symbols = out;
  }
}

function modelOf(merges: Merge[], ignoreMerges = false): BpeModel {
  const vocab = new Map(BYTE_TO_CHAR.map((c, i) => [c, i]));
  for (const [a, b] of merges) if (!vocab.has(a + b)) vocab.set(a + b, vocab.size);
  return new BpeModel(vocab, merges, ignoreMerges);
}

const tokensOf = (model: BpeModel, piece: string) => {
  const byId = new Map([...model.vocab].map(([t, id]) => [id, t]));
  return model.encodePiece(piece).map((id) => byId.get(id));
};

describe("BpeModel", () => {
  it("applies merges by rank, not by position", () => {
    expect(
      tokensOf(
        modelOf([
          ["a", "b"],
          ["b", "c"],
        ]),
        "abc",
      ),
    ).toEqual(["ab", "c"]);
    expect(
      tokensOf(
        modelOf([
          ["b", "c"],
          ["a", "b"],
        ]),
        "abc",
      ),
    ).toEqual(["a", "bc"]);
  });

  it("merges the leftmost of equal pairs first", () => {
    expect(tokensOf(modelOf([["a", "a"]]), "aaa")).toEqual(["aa", "a"]);
    expect(
      tokensOf(
        modelOf([
          ["a", "a"],
          ["aa", "aa"],
        ]),
        "aaaaa",
      ),
    ).toEqual(["aaaa", "a"]);
  });

  it("maps bytes of multi-byte characters and spaces to byte-level tokens", () => {
    expect(tokensOf(modelOf([["Ġ", "h"]]), " hé")).toEqual(["Ġh", "Ã", "©"]);
    expect(tokensOf(modelOf([]), "")).toEqual([]);
  });

  it("agrees with the textbook algorithm on random text", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = ["a", "b", "c", " "];
    const randomText = (len: number) => Array.from({ length: len }, () => alphabet[rand(4)]).join("");
    const symbols = ["a", "b", "c", "Ġ"];
    const merges: Merge[] = [];
    for (let i = 0; i < 40; i++) {
      const pair: Merge = [symbols[rand(symbols.length)]!, symbols[rand(symbols.length)]!];
      if (merges.some(([a, b]) => a + b === pair[0] + pair[1])) continue;
      merges.push(pair);
      symbols.push(pair[0] + pair[1]);
    }
    const model = modelOf(merges);
    for (let i = 0; i < 300; i++) {
      const text = randomText(1 + rand(40));
      expect(tokensOf(model, text)).toEqual(referenceMerge(text, merges));
    }
  });

  it("takes a piece whole when it is in the vocabulary and merges are ignored (Llama-3)", () => {
    const merges: Merge[] = [
      ["a", "b"],
      ["b", "c"],
      ["a", "bc"],
    ];
    expect(tokensOf(modelOf(merges), "abc")).toEqual(["ab", "c"]);
    expect(tokensOf(modelOf(merges, true), "abc")).toEqual(["abc"]);
  });

  it("reports merges and bytes the vocabulary lacks", () => {
    expect(() => new BpeModel(new Map([["a", 0]]), [["a", "b"]])).toThrow(/Merge 0 "a b"/);
    expect(() => new BpeModel(new Map([["a", 0]]), []).encodePiece("ab")).toThrow(/byte 0x62/);
  });
});
