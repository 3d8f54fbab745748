import { describe, expect, it } from "vitest";
import { BYTE_TO_CHAR, toByteLevel } from "./byte-level";

describe("byte-level alphabet", () => {
  it("maps the 256 bytes to 256 distinct characters", () => {
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
  });

  it("encodes spaces, newlines and multi-byte text as GPT-2 does", () => {
    expect(toByteLevel(" hi\n")).toBe("Ġhi\u010a");
    expect(toByteLevel("é")).toBe("Ã©");
  });
});
