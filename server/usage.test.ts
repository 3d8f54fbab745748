import { describe, expect, it } from "vitest";
import { UsageMeter } from "./usage";

const sse = (type: string, data: object) =>
  Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
const start = sse("message_start", { message: { usage: { input_tokens: 12, output_tokens: 1 } } });
const delta = (text: string) => sse("content_block_delta", { index: 0, delta: { type: "text_delta", text } });
const estimate = { input: 30, maxOutput: 100 };

describe("UsageMeter", () => {
  it("charges a finished stream its reported usage", () => {
    const m = new UsageMeter(true, estimate);
    for (const c of [start, delta("x".repeat(400)), sse("message_delta", { usage: { output_tokens: 9 } })])
      m.add(c);
    expect(m.tokens(true)).toBe(12 + 9);
  });

  it("charges a cut stream its input and the output it delivered", () => {
    const m = new UsageMeter(true, estimate);
    for (const c of [start, delta("a".repeat(40)), delta("b".repeat(41))]) m.add(c);
    expect(m.tokens(false)).toBe(12 + 21);
  });

  it("reads events however the chunks split them, inside multi-byte characters included", () => {
    const text = "é🙂".repeat(10); // 30 UTF-16 units: 8 tokens
    const finished = Buffer.concat([
      start,
      delta(text),
      sse("message_delta", { usage: { output_tokens: 9 } }),
    ]);
    const cut = Buffer.concat([start, delta(text)]);
    for (let i = 1; i < finished.length; i++) {
      const whole = new UsageMeter(true, estimate);
      for (const c of [finished.subarray(0, i), finished.subarray(i)]) whole.add(c);
      expect(whole.tokens(true), `split at ${i}`).toBe(12 + 9);
      if (i >= cut.length) continue;
      const partial = new UsageMeter(true, estimate);
      for (const c of [cut.subarray(0, i), cut.subarray(i)]) partial.add(c);
      expect(partial.tokens(false), `split at ${i}`).toBe(12 + 8);
    }
  });

  it("falls back to the input estimate when the stream was cut before message_start", () => {
    expect(new UsageMeter(true, estimate).tokens(false)).toBe(30);
  });

  it("charges a JSON answer its usage, or the whole reservation when cut", () => {
    const whole = new UsageMeter(false, estimate);
    whole.add(Buffer.from('{"type":"message","usage":{"input_tokens":7,"output_tokens":5}}'));
    expect(whole.tokens(true)).toBe(12);
    const cut = new UsageMeter(false, estimate);
    cut.add(Buffer.from('{"type":"message","content":['));
    expect(cut.tokens(false)).toBe(130);
  });

  it("charges the whole reservation, in linear time, when an event or a JSON answer never ends", () => {
    for (const isStream of [true, false]) {
      const m = new UsageMeter(isStream, estimate);
      m.add(start);
      const piece = Buffer.from(`data: ${"x".repeat(1023)}`);
      const began = performance.now();
      // 16 MiB without a blank line, in 1 KiB chunks: joining each chunk to all pending bytes took minutes.
      for (let i = 0; i < 16 * 1024; i++) m.add(piece);
      expect(performance.now() - began).toBeLessThan(2000);
      expect(m.tokens(true)).toBe(130);
    }
  });
});
