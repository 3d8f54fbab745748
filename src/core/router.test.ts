// The cloud here is the fake Anthropic API (a stand-in for the real one: no internet in tests);
// the engine is a scripted LocalEngine so that each routing rule is checked on its own. The real
// engines go through the same router in the end-to-end tests.

import { FakeCloud } from "@tandem/training/cloud/fake-anthropic/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CloudClient } from "./cloud";
import { InMemoryRouteHistory } from "./cloud-budget";
import type { ChatMessage, EngineInfo, GenerateOptions, LocalEngine, TokenChunk } from "./engines/types";
import { Router, type RouterEvent, type RoutingPolicy } from "./router";

const OFFLOAD = 99;

/** Answers "hard" prompts with a draft then the offload token, others directly; obeys bans and aborts. */
class ScriptedEngine implements LocalEngine {
  info: EngineInfo = { backend: "wllama", modelId: "scripted", offloadTokenId: OFFLOAD };
  calls: GenerateOptions[] = [];
  pulledAfterMarker = 0;
  async load(): Promise<EngineInfo> {
    return this.info;
  }
  async unload(): Promise<void> {}
  async *generate(
    messages: readonly ChatMessage[],
    options: GenerateOptions = {},
  ): AsyncIterable<TokenChunk> {
    this.calls.push(options);
    const hard = /\d/.test(messages.at(-1)!.content);
    const banned = options.logitBias?.[OFFLOAD] === -100;
    const script: TokenChunk[] = !hard
      ? [
          { text: "Hel", tokenId: 1 },
          { text: "lo", tokenId: 2 },
          { text: "!", tokenId: 3 },
        ]
      : banned
        ? [
            { text: "Hmm.", tokenId: 4 },
            { text: " Sorry.", tokenId: 5 },
          ]
        : [
            { text: "Hmm.", tokenId: 4 },
            { text: "", tokenId: OFFLOAD },
            { text: " leaked", tokenId: 6 },
          ];
    let afterMarker = false;
    for (const c of script) {
      if (options.signal?.aborted) return;
      if (afterMarker) this.pulledAfterMarker++;
      yield c;
      if (c.tokenId === OFFLOAD) afterMarker = true;
    }
  }
}

const cloud = new FakeCloud();
let client: CloudClient;
beforeAll(async () => {
  client = new CloudClient({
    mode: "proxy",
    baseURL: await cloud.start(),
    model: "claude-haiku-4-5",
    maxRetries: 1,
  });
});
afterAll(() => cloud.stop());
beforeEach(() => {
  cloud.faults.length = 0;
  cloud.requests.length = 0;
});

async function run(router: Router, content: string, policy: RoutingPolicy, signal?: AbortSignal) {
  const events: RouterEvent[] = [];
  for await (const e of router.turn([{ role: "user", content }], policy, signal)) events.push(e);
  const text = (type: string) => events.map((e) => (e.type === type && "text" in e ? e.text : "")).join("");
  const last = events.at(-1)!;
  const record = last.type === "done" || last.type === "error" ? last.record : undefined;
  return { events, local: text("local-delta"), cloud: text("cloud-delta"), record, last };
}

function setup(cloudClient: CloudClient | null = client) {
  const engine = new ScriptedEngine();
  const history = new InMemoryRouteHistory();
  return { engine, history, router: new Router({ engine, cloud: () => cloudClient ?? undefined, history }) };
}

describe("Router", () => {
  it("answers locally when the model does not ask for help", async () => {
    const { router } = setup();
    const r = await run(router, "hello", { mode: "auto" });
    expect(r.local).toBe("Hello!");
    expect(r.record).toMatchObject({
      route: "local",
      reason: "answered on device",
      localTokens: 3,
      stopped: false,
    });
    expect(r.record!.timings.localFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(cloud.requests).toHaveLength(0);
  });

  it("stops local generation at the marker and streams the cloud answer in place", async () => {
    const { router, engine } = setup();
    const r = await run(router, "What is 12*12?", { mode: "auto" });
    expect(r.local).toBe("Hmm.");
    expect(r.events.find((e) => e.type === "offload")).toEqual({
      type: "offload",
      draft: "Hmm.",
      via: "token-id",
      decision: "cloud",
    });
    expect(r.cloud).toBe("12*12 = **144**. (answered by the cloud)");
    expect(engine.pulledAfterMarker).toBe(0);
    expect(r.record).toMatchObject({ route: "cloud", cloudModel: "claude-haiku-4-5", draft: "Hmm." });
    expect(r.record!.cloudUsage!.outputTokens).toBeGreaterThan(0);
    expect(r.record!.estimatedCostUsd).toBeGreaterThan(0);
    expect(r.record!.timings.handoffMs).toBeGreaterThanOrEqual(0);
    expect(r.record!.timings.cloudFirstTokenMs).toBeGreaterThanOrEqual(0);
    // The paper's setting: the cloud gets the conversation, not the local draft.
    expect(JSON.stringify(cloud.requests[0]!.body)).not.toContain("Hmm.");
  });

  it("sends the draft when asked to", async () => {
    const { router } = setup();
    await run(router, "What is 1+1?", { mode: "auto", sendDraft: true });
    expect((cloud.requests[0]!.body as { system?: string }).system).toContain("Hmm.");
  });

  it("regenerates locally with the marker banned when consent is refused", async () => {
    const { router, engine } = setup();
    let asked: unknown;
    const r = await run(router, "What is 3*3?", {
      mode: "auto",
      consent: async (req) => {
        asked = req;
        return false;
      },
    });
    expect(asked).toMatchObject({
      model: "claude-haiku-4-5",
      draft: "Hmm.",
      messages: [{ role: "user", content: "What is 3*3?" }],
    });
    expect(r.events.find((e) => e.type === "offload")).toMatchObject({
      decision: "declined",
      reason: "you declined sending this to the cloud",
    });
    expect(engine.calls[1]!.logitBias).toEqual({ [OFFLOAD]: -100 });
    expect(r.local).toBe("Hmm.Hmm. Sorry.");
    expect(r.record).toMatchObject({
      route: "local-declined",
      reason: "cloud declined: you declined sending this to the cloud",
    });
    expect(cloud.requests).toHaveLength(0);
  });

  it("declines when offline, without a cloud, or over budget", async () => {
    expect((await run(setup().router, "1+1", { mode: "auto", isOnline: () => false })).record!.reason).toBe(
      "cloud declined: offline",
    );
    expect((await run(setup(null).router, "1+1", { mode: "auto" })).record!.reason).toBe(
      "cloud declined: no cloud is configured",
    );
    const { router } = setup();
    const budget = { maxCloudShare: 0.5, windowTurns: 2 };
    expect((await run(router, "1+1", { mode: "auto", budget })).record!.route).toBe("cloud");
    const second = await run(router, "2+2", { mode: "auto", budget });
    expect(second.record!.reason).toBe("cloud declined: cloud budget used up (1 of the last 2 turns)");
    expect(cloud.requests).toHaveLength(1);
  });

  it("bans the marker from the first token in privacy mode and never touches the network", async () => {
    const { router, engine } = setup();
    const r = await run(router, "What is 5*5?", { mode: "auto", privacy: true });
    expect(engine.calls).toHaveLength(1);
    expect(engine.calls[0]!.logitBias).toEqual({ [OFFLOAD]: -100 });
    expect(r.events.some((e) => e.type === "offload")).toBe(false);
    expect(r.record).toMatchObject({ route: "local", reason: "privacy mode: local only" });
    expect(cloud.requests).toHaveLength(0);
  });

  it("goes straight to the cloud in always-cloud mode", async () => {
    const { router, engine } = setup();
    const r = await run(router, "hello", { mode: "cloud" });
    expect(engine.calls).toHaveLength(0);
    expect(r.record).toMatchObject({ route: "cloud", reason: "routing mode: always cloud" });
  });

  it("keeps the partial cloud answer and offers a local one when the stream drops", async () => {
    cloud.faults.push({ kind: "drop", afterDeltas: 1 });
    const { router } = setup();
    const r = await run(router, "What is 7*6?", { mode: "auto" });
    expect(r.last).toMatchObject({
      type: "error",
      kind: "interrupted",
      partial: "7*6 ",
      canAnswerLocally: true,
    });
    expect(r.record!.route).toBe("cloud-failed");
  });

  it("stops everything when the user aborts", async () => {
    const { router } = setup();
    const controller = new AbortController();
    cloud.faults.push({ kind: "slow", delayMs: 50 });
    const events: RouterEvent[] = [];
    for await (const e of router.turn(
      [{ role: "user", content: "What is 8*8?" }],
      { mode: "auto" },
      controller.signal,
    )) {
      events.push(e);
      if (e.type === "cloud-delta") controller.abort();
    }
    const done = events.at(-1);
    expect(done).toMatchObject({ type: "done", record: { stopped: true } });
    expect(events.filter((e) => e.type === "cloud-delta")).toHaveLength(1);
  });
});
