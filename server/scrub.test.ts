import { describe, expect, it } from "vitest";
import { scrubSecrets, secretScrubber } from "./scrub";

const KEY = "sk-ant-secret-server-key-123";

async function throughScrubber(parts: Uint8Array[], key?: string): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  }).pipeThrough(secretScrubber(key));
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  return Buffer.concat(out);
}

describe("scrubSecrets", () => {
  it("replaces the key and anything shaped like an Anthropic secret", () => {
    expect(scrubSecrets(`key ${KEY}, other sk-ant-api03-Ab_c-9.`, KEY)).toBe(
      "key [redacted], other [redacted].",
    );
    expect(scrubSecrets("custom-upstream-key here", "custom-upstream-key")).toBe("[redacted] here");
  });
});

describe("secretScrubber", () => {
  it("scrubs a secret wherever the chunks split it", async () => {
    const text = `data: {"message":"echo ${KEY} and sk-ant-api03-xyz"}\n\n`;
    const bytes = new TextEncoder().encode(text);
    for (let i = 1; i < bytes.length; i++) {
      const out = await throughScrubber([bytes.slice(0, i), bytes.slice(i)], KEY);
      expect(new TextDecoder().decode(out), `split at ${i}`).toBe(
        'data: {"message":"echo [redacted] and [redacted]"}\n\n',
      );
    }
  });

  it("passes every other byte unchanged, multi-byte characters split across chunks included", async () => {
    const bytes = new TextEncoder().encode('event: x\ndata: {"text":"é 🙂 sk-"}\n\n');
    const parts = [bytes.slice(0, 20), bytes.slice(20, 27), bytes.slice(27)];
    expect(await throughScrubber(parts, KEY)).toEqual(Buffer.from(bytes));
  });

  it("does not hold back the end of a complete event", async () => {
    const event = new TextEncoder().encode("event: ping\ndata: {}\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(event);
      },
    }).pipeThrough(secretScrubber(KEY));
    const { value } = await stream.getReader().read();
    expect(value).toBe(event);
  });
});
