// The fake cloud here stands in for Anthropic's Messages API (no internet in tests).

import { FakeCloud } from "@tandem/training/cloud/fake-anthropic/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CloudClient, type CloudConfig, CloudError, type CloudEvent, toAnthropicMessages } from "./cloud";

const cloud = new FakeCloud({ apiKey: "sk-test" });
let config: CloudConfig;

beforeAll(async () => {
  const url = await cloud.start();
  config = { mode: "direct", baseURL: url, apiKey: "sk-test", model: "claude-test", maxRetries: 2 };
});
afterAll(() => cloud.stop());
beforeEach(() => {
  cloud.faults.length = 0;
  cloud.requests.length = 0;
});

async function collect(client: CloudClient, content: string, opts = {}) {
  const events: CloudEvent[] = [];
  for await (const e of client.stream([{ role: "user", content }], opts)) events.push(e);
  const text = events.map((e) => (e.type === "text" ? e.text : "")).join("");
  return { events, text };
}

async function failure(client: CloudClient, content: string): Promise<CloudError> {
  const partial: string[] = [];
  try {
    for await (const e of client.stream([{ role: "user", content }]))
      if (e.type === "text") partial.push(e.text);
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    return Object.assign(e as CloudError, { partial: partial.join("") });
  }
  throw new Error("expected the stream to fail");
}

describe("CloudClient", () => {
  it("streams an answer and reports usage", async () => {
    const { events, text } = await collect(new CloudClient(config), "What is 17*23?");
    expect(text).toBe("17*23 = **391**. (answered by the cloud)");
    expect(events.at(-1)).toEqual({
      type: "usage",
      usage: { inputTokens: expect.any(Number), outputTokens: 10 },
    });
    expect(cloud.requests[0]!.headers["anthropic-version"]).toBeTruthy();
  });

  it("retries 529 and 429, honouring retry-after", async () => {
    cloud.faults.push({ kind: "status", status: 529 }, { kind: "status", status: 429, retryAfterSeconds: 1 });
    const sent: number[] = [];
    const t0 = Date.now();
    const { text } = await collect(new CloudClient(config), "2+2", {
      onRequestSent: () => sent.push(Date.now()),
    });
    expect(text).toContain("**4**");
    expect(sent).toHaveLength(3);
    expect(sent[2]! - sent[1]!).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t0).toBeLessThan(8000);
  });

  it("gives up after the retries with a typed, readable error", async () => {
    cloud.faults.push(
      ...Array.from({ length: 3 }, () => ({
        kind: "status" as const,
        status: 529 as const,
        retryAfterSeconds: 0,
      })),
    );
    const err = await failure(new CloudClient(config), "1+1");
    expect(err.kind).toBe("overloaded");
    expect(err.message).toMatch(/overloaded \(529\)/);
    expect(err.transient).toBe(true);
  });

  it("reports a wrong key as an auth error without retrying", async () => {
    const err = await failure(new CloudClient({ ...config, apiKey: "sk-wrong" }), "hi");
    expect(err.kind).toBe("auth");
    expect(err.message).toMatch(/Check the API key/);
    expect(cloud.requests).toHaveLength(1);
  });

  it("keeps what arrived when the connection drops mid-stream", async () => {
    cloud.faults.push({ kind: "drop", afterDeltas: 2 });
    const err = await failure(new CloudClient(config), "What is 6*7?");
    expect(err.kind).toBe("interrupted");
    expect((err as CloudError & { partial: string }).partial).toBe("6*7 = ");
  });

  it("turns a mid-stream error event into an interrupted error", async () => {
    cloud.faults.push({ kind: "midstream-error", afterDeltas: 1 });
    const err = await failure(new CloudClient(config), "What is 6*7?");
    expect(err.kind).toBe("interrupted");
  });

  it("times out a stream that goes silent", async () => {
    cloud.faults.push({ kind: "slow", delayMs: 400 });
    const err = await failure(new CloudClient({ ...config, idleTimeoutMs: 150 }), "What is 6*7?");
    expect(err.kind).toBe("timeout");
  });

  it("says the cloud is unreachable when nothing listens", async () => {
    const err = await failure(
      new CloudClient({ ...config, baseURL: "http://127.0.0.1:9", maxRetries: 0 }),
      "hi",
    );
    expect(err.kind).toBe("network");
    expect(err.message).toMatch(/Could not reach the cloud at http:\/\/127\.0\.0\.1:9/);
  });

  it("sends a proxy token, never a key, in proxy mode", async () => {
    const open = new FakeCloud();
    const url = await open.start();
    const { text } = await collect(new CloudClient({ mode: "proxy", baseURL: url, model: "m" }), "3*3");
    expect(text).toContain("**9**");
    expect(open.requests[0]!.headers.authorization).toBe("Bearer tandem-proxy");
    await open.stop();
  });

  it("requires a key in direct mode", () => {
    expect(() => new CloudClient({ ...config, apiKey: undefined })).toThrow(/needs your API key/);
  });
});

describe("toAnthropicMessages", () => {
  it("moves system text apart and merges consecutive turns", () => {
    expect(
      toAnthropicMessages([
        { role: "system", content: "Be brief." },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "a" },
        { role: "user", content: "b" },
      ]),
    ).toEqual({ system: "Be brief.", messages: [{ role: "user", content: "a\n\nb" }] });
    expect(() => toAnthropicMessages([{ role: "assistant", content: "x" }])).toThrow(/no user message/);
  });
});
