// The fake cloud stands in for Anthropic's API (no internet here).
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud } from "./fake-anthropic/server";
import { AnthropicOracle, extractCloudAnswer } from "./oracle";

const cloud = new FakeCloud({ apiKey: "sk-oracle" });
beforeAll(() => cloud.start());
afterAll(() => cloud.stop());

describe("cloud oracle", () => {
  it("asks once per prompt and serves repeats from the disk cache", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "oracle-"));
    const make = () => new AnthropicOracle({ baseURL: cloud.url, apiKey: "sk-oracle", model: "m", cacheDir });
    const a = make();
    const answers = await Promise.all(
      ["What is 6*7?", "What is 6*7?", "What is 2+3?"].map((p) => a.answer(p)),
    );
    expect(answers.map(extractCloudAnswer)).toEqual(["42", "42", "5"]);
    expect(a.calls).toBe(2);
    const b = make();
    expect(extractCloudAnswer(await b.answer("What is 6*7?"))).toBe("42");
    expect(b.calls).toBe(0);
  });

  it("extracts tagged answers first, then the last number", () => {
    expect(extractCloudAnswer("<think>1+1</think><answer> 2 </answer>")).toBe("2");
    expect(extractCloudAnswer("1,234 + 1 = **1,235**.")).toBe("1235");
    expect(extractCloudAnswer("no idea")).toBeUndefined();
  });
});
