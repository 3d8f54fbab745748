import { describe, expect, it } from "vitest";
import { codeLine, codeVersion } from "./code-version";

describe("code version", () => {
  it("reads this checkout's commit", async () => {
    const v = await codeVersion();
    // CI and developers run from a git clone.
    expect(v?.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("is undefined outside a git checkout", async () => {
    expect(await codeVersion("/")).toBeUndefined();
  });

  it("says which code the seeds ran on, and warns when it differs", () => {
    const a = { commit: "a".repeat(40), dirty: false };
    expect(
      codeLine([
        { seed: 1, code: a },
        { seed: 2, code: a },
      ]),
    ).toBe("Code: aaaaaaa.");
    const line = codeLine([{ seed: 1 }, { seed: 2, code: { ...a, dirty: true } }]);
    expect(line).toContain("Seeds ran on different code");
    expect(line).toContain("seed 1: unrecorded code; seed 2: aaaaaaa with local changes");
  });
});
