import { describe, expect, it } from "vitest";
import { SecretScrubber, scrubSecrets } from "./scrub";

const KEY = "sk-ant-secret-server-key-123";

function throughScrubber(parts: Buffer[], key?: string): Buffer {
  const scrubber = new SecretScrubber(key);
  const out = parts.map((p) => scrubber.push(p));
  return Buffer.concat([...out, scrubber.end()].filter((b) => b !== undefined));
}

describe("scrubSecrets", () => {
  it("replaces the key and anything shaped like an Anthropic secret", () => {
    expect(scrubSecrets(`key ${KEY}, other sk-ant-api03-Ab_c-9.`, KEY)).toBe(
      "key [redacted], other [redacted].",
    );
    expect(scrubSecrets("custom-upstream-key here", "custom-upstream-key")).toBe("[redacted] here");
  });
});

describe("SecretScrubber", () => {
  it("scrubs a secret wherever the chunks split it, into three pieces too", () => {
    const text = `data: {"message":"echo ${KEY} and sk-ant-api03-xyz"}\n\n`;
    const bytes = Buffer.from(text);
    for (let i = 1; i < bytes.length; i++) {
      for (let j = i; j < bytes.length; j++) {
        const out = throughScrubber([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)], KEY);
        expect(out.toString(), `split at ${i}, ${j}`).toBe(
          'data: {"message":"echo [redacted] and [redacted]"}\n\n',
        );
      }
    }
  });

  it("scrubs a key of another shape, and a secret that runs to the end of the stream", () => {
    const bytes = Buffer.from("a custom-upstream-key, then sk-ant-sk-ant-tail");
    for (let i = 1; i < bytes.length; i++) {
      const out = throughScrubber([bytes.subarray(0, i), bytes.subarray(i)], "custom-upstream-key");
      expect(out.toString(), `split at ${i}`).toBe("a [redacted], then [redacted]");
    }
  });

  it("passes every other byte unchanged, multi-byte characters split across chunks included", () => {
    const bytes = Buffer.from('event: x\ndata: {"text":"é 🙂 sk-"}\n\n');
    const parts = [bytes.subarray(0, 20), bytes.subarray(20, 27), bytes.subarray(27)];
    expect(throughScrubber(parts, KEY)).toEqual(bytes);
  });

  it("does not hold back the end of a complete event, and passes a clean chunk as it came", () => {
    const event = Buffer.from("event: ping\ndata: {}\n\n");
    expect(new SecretScrubber(KEY).push(event)).toBe(event);
  });
});
