import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import { hostAllowlist } from "./host";

describe("hostAllowlist", () => {
  it("allows loopback names when bound to loopback or all interfaces, and IP literals", () => {
    for (const HOST of ["127.0.0.1", "0.0.0.0"]) {
      const ok = hostAllowlist(loadConfig({ HOST }));
      expect(ok("localhost:4173")).toBe(true);
      expect(ok("LOCALHOST.")).toBe(true);
      expect(ok("127.0.0.1:4173")).toBe(true);
      expect(ok("[::1]:4173")).toBe(true);
      expect(ok("192.168.1.5")).toBe(true);
      expect(ok("evil.example:4173")).toBe(false);
      expect(ok("localhost.evil.example")).toBe(false);
      expect(ok(undefined)).toBe(false);
      expect(ok("")).toBe(false);
      // Not just a name and a port, though a URL parser would find an IP literal in them.
      expect(ok("127.0.0.1:4173/x")).toBe(false);
      expect(ok("127.0.0.1#x")).toBe(false);
      expect(ok("evil.example@127.0.0.1")).toBe(false);
      expect(ok("0x7f.1")).toBe(false);
    }
  });

  it("allows the public origins' hosts and a HOST given as a name, and nothing else", () => {
    const ok = hostAllowlist(
      loadConfig({
        HOST: "tandem.internal",
        TANDEM_PUBLIC_ORIGIN: "https://chat.example,https://b.example:8443",
      }),
    );
    expect(ok("chat.example")).toBe(true);
    expect(ok("b.example:8443")).toBe(true);
    expect(ok("tandem.internal:4173")).toBe(true);
    expect(ok("localhost:4173")).toBe(false);
    expect(ok("evil.example")).toBe(false);
  });
});
