import { describe, expect, it } from "vitest";
import { BYTE_TO_CHAR, fromByteLevel, toByteLevel } from "./byte-level";

describe("byte-level alphabet", () => {
  it("maps the 256 bytes to 256 distinct characters", () => {
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
  });

  it("encodes spaces, newlines and multi-byte text as GPT-2 does", () => {
    expect(toByteLevel(" hi\n")).toBe("Ġhi\u010a");
    expect(toByteLevel("é")).toBe("Ã©");
  });

  it("maps token text back to its bytes", () => {
    const all = Uint8Array.from({ length: 256 }, (_, b) => b);
    expect(fromByteLevel(BYTE_TO_CHAR.join(""))).toEqual(all);
    expect(new TextDecoder().decode(fromByteLevel(toByteLevel("a 中😀\n")))).toBe("a 中😀\n");
  });

  it("keeps a character outside the alphabet as its own UTF-8 bytes", () => {
    expect(fromByteLevel("\u4e2d")).toEqual(new TextEncoder().encode("中"));
  });
});
