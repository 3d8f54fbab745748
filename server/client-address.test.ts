import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address";

describe("clientAddress", () => {
  it("uses the socket address unless proxies are trusted", () => {
    expect(clientAddress("1.1.1.1", "10.0.0.1", 0)).toBe("10.0.0.1");
    expect(clientAddress(undefined, "10.0.0.1", 1)).toBe("10.0.0.1");
    expect(clientAddress(undefined, undefined, 0)).toBe("unknown");
  });

  it("takes the rightmost hop that no trusted proxy wrote", () => {
    expect(clientAddress("spoofed, 203.0.113.9", "10.0.0.1", 1)).toBe("203.0.113.9");
    expect(clientAddress("spoofed, 203.0.113.9, 10.0.0.2", "10.0.0.1", 2)).toBe("203.0.113.9");
    expect(clientAddress("a, b", "10.0.0.1", 5)).toBe("a");
  });
});
