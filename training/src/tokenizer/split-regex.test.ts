import { describe, expect, it } from "vitest";
import { escapeRegex, splitRegex } from "./split-regex";

const matches = (re: RegExp, text: string) => [...text.matchAll(re)].map((m) => m[0]);

describe("splitRegex", () => {
  it("spells out an inline case-insensitive group letter by letter", () => {
    expect(splitRegex("(?i:'s|'ll)|x").source).toBe("(?:'[sS]|'[lL][lL])|x");
    expect(matches(splitRegex("(?i:'s|'ll)"), "it'S he'Ll we'll 'x")).toEqual(["'S", "'Ll", "'ll"]);
  });

  it("keeps escapes, quantifiers and other groups intact", () => {
    const re = splitRegex("(?i:\\p{L}\\x41a)|(?<word>\\p{N}{1,3})|\\s(?=q)");
    expect(re.source).toBe("(?:\\p{L}\\x41[aA])|(?<word>\\p{N}{1,3})|\\s(?=q)");
    expect(re.flags).toBe("gu");
    expect(matches(re, "1234 q")).toEqual(["123", "4", " "]);
  });

  it("adds the other case of a letter inside a class", () => {
    expect(matches(splitRegex("(?i:[ab]x)"), "AX bx cx")).toEqual(["AX", "bx"]);
  });

  it("rejects what it cannot translate", () => {
    expect(() => splitRegex("(?i:[a-z])")).toThrow(/letter range/);
    expect(() => splitRegex("(?i)abc")).toThrow(/Unsupported group/);
    expect(() => splitRegex("(?-i:a)")).toThrow(/Unsupported group/);
    expect(() => splitRegex("a++")).toThrow(SyntaxError);
  });

  it("escapes a literal for a unicode RegExp", () => {
    const literal = "<|a.b|>(x)[y]{z}*+?^$\\/-";
    expect(matches(new RegExp(escapeRegex(literal), "gu"), `q${literal}q`)).toEqual([literal]);
  });
});
