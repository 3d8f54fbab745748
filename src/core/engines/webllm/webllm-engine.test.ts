import { describe, expect, it } from "vitest";
import { chunksFor } from "../token-chunks";
import { SampledTokenRecorder } from "./webllm-engine";

describe("web-llm token-id plumbing", () => {
  it("records sampled ids without touching logits", () => {
    const r = new SampledTokenRecorder();
    const logits = new Float32Array([1, 2, 3]);
    expect(r.processLogits(logits)).toBe(logits);
    r.processSampledToken(5);
    r.processSampledToken(9);
    expect(r.take()).toEqual([5, 9]);
    expect(r.take()).toEqual([]);
    r.processSampledToken(1);
    r.resetState();
    expect(r.take()).toEqual([]);
  });

  it("attaches a delta's text to the last id sampled for it", () => {
    expect(chunksFor("ab", [3, 4])).toEqual([
      { text: "", tokenId: 3 },
      { text: "ab", tokenId: 4 },
    ]);
    expect(chunksFor("x", [])).toEqual([{ text: "x" }]);
    expect(chunksFor("", [])).toEqual([]);
  });
});
