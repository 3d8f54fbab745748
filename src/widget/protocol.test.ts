import { describe, expect, it } from "vitest";
import { readConfig } from "./config";
import { envelope, MAX_TEXT, parseHostMessage, parseWidgetEvent } from "./protocol";

describe("host messages", () => {
  it("accepts the two it knows, in envelope", () => {
    expect(parseHostMessage(envelope({ type: "focus" }))).toEqual({ type: "focus" });
    expect(parseHostMessage(envelope({ type: "send", text: "hi" }))).toEqual({ type: "send", text: "hi" });
  });

  it.each([
    ["no envelope", { type: "focus" }],
    ["another version", { tandem: "widget", v: 2, type: "focus" }],
    ["an unknown type", envelope({ type: "settings", routing: "cloud" })],
    ["extra fields on focus", { ...envelope({ type: "focus" }), routing: "cloud" }],
    ["blank text", envelope({ type: "send", text: "  " })],
    ["text too long", envelope({ type: "send", text: "x".repeat(MAX_TEXT + 1) })],
    ["non-string text", envelope({ type: "send", text: { toString: () => "hi" } })],
    ["a string", "send hi"],
    ["null", null],
    ["an array", [envelope({ type: "focus" })]],
  ])("ignores %s", (_name, data) => {
    expect(parseHostMessage(data)).toBeUndefined();
  });

  it("never passes fields it does not know", () => {
    expect(parseHostMessage({ ...envelope({ type: "send", text: "hi" }), consent: false })).toEqual({
      type: "send",
      text: "hi",
    });
  });
});

describe("widget events", () => {
  it("parses each event", () => {
    const events = [
      { type: "ready", model: "demo" },
      { type: "message-sent", turnId: "a-1", text: "hi" },
      { type: "route", turnId: "a-1", route: "cloud", reason: "marker" },
      { type: "message-received", turnId: "a-1", text: "42", route: "local" },
      { type: "error", message: "boom", turnId: "a-1" },
      { type: "error", message: "boom" },
    ] as const;
    for (const e of events) expect(parseWidgetEvent(envelope(e))).toEqual(e);
  });

  it("rejects bad routes, ids and unknown types", () => {
    expect(
      parseWidgetEvent(envelope({ type: "route", turnId: "a", route: "moon", reason: "" })),
    ).toBeUndefined();
    expect(parseWidgetEvent(envelope({ type: "message-sent", turnId: "<img>", text: "" }))).toBeUndefined();
    expect(parseWidgetEvent(envelope({ type: "api-key", key: "sk" }))).toBeUndefined();
  });
});

describe("widget config from the iframe URL", () => {
  const read = (q: string) => readConfig(new URLSearchParams(q));

  it("needs the exact host origin", () => {
    expect(read("")).toHaveProperty("error");
    expect(read("host=https://a.example/path")).toHaveProperty("error");
    expect(read("host=https://a.example")).toMatchObject({ host: "https://a.example", consent: true });
  });

  it("falls back to safe defaults for unknown values and drops bad colours", () => {
    expect(
      read("host=https://a.example&routing=everything&consent=maybe&host-send=always&accent=red;x:y"),
    ).toEqual({
      host: "https://a.example",
      model: "tandem-demo",
      theme: "auto",
      routing: "auto",
      consent: true,
      hostSend: "prefill",
    });
    expect(read("host=https://a.example&consent=off&host-send=auto&accent=%23b91c1c")).toMatchObject({
      consent: false,
      hostSend: "auto",
      accent: "#b91c1c",
    });
  });
});
