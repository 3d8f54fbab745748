import { describe, expect, it } from "vitest";
import { UsageMeter } from "./usage";

const sse = (type: string, data: object) =>
  new TextEncoder().encode(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
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

  it("falls back to the input estimate when the stream was cut before message_start", () => {
    expect(new UsageMeter(true, estimate).tokens(false)).toBe(30);
  });

  it("charges a JSON answer its usage, or the whole reservation when cut", () => {
    const whole = new UsageMeter(false, estimate);
    whole.add(new TextEncoder().encode('{"type":"message","usage":{"input_tokens":7,"output_tokens":5}}'));
    expect(whole.tokens(true)).toBe(12);
    const cut = new UsageMeter(false, estimate);
    cut.add(new TextEncoder().encode('{"type":"message","content":['));
    expect(cut.tokens(false)).toBe(130);
  });
});
