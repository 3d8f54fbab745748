import { MessageChannel } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import {
  type ChatMessage,
  type EngineInfo,
  type GenerateOptions,
  type LoadProgress,
  type LocalEngine,
  ModelLoadError,
  type ModelSpec,
  type TokenChunk,
} from "../types";
import { WorkerEngineClient } from "./client";
import { serveEngine } from "./host";
import type { MessageEndpoint } from "./protocol";

/** An engine that counts to `limit`, one token per tick, and notes whether it was aborted. */
class CountingEngine implements LocalEngine {
  info: EngineInfo | undefined;
  aborted = false;
  seenOptions: GenerateOptions | undefined;
  async load(model: ModelSpec, onProgress?: (p: LoadProgress) => void): Promise<EngineInfo> {
    if (model.id === "broken") throw new ModelLoadError("The model file is truncated.", "truncated");
    onProgress?.({ phase: "download", loadedBytes: 5, totalBytes: 10, fromCache: false });
    this.info = { backend: "webllm", modelId: model.id, offloadTokenId: 42 };
    return this.info;
  }
  async *generate(
    messages: readonly ChatMessage[],
    options: GenerateOptions = {},
  ): AsyncIterable<TokenChunk> {
    this.seenOptions = options;
    for (let i = 0; i < 1000; i++) {
      if (options.signal?.aborted) {
        this.aborted = true;
        return;
      }
      if (messages[0]?.content === "fail" && i === 2) throw new Error("GPU device lost");
      await new Promise((r) => setTimeout(r, 1));
      yield { text: `${i} `, tokenId: i };
    }
  }
  async unload(): Promise<void> {
    this.info = undefined;
  }
}

function pair() {
  const { port1, port2 } = new MessageChannel();
  const engine = new CountingEngine();
  serveEngine(port1 as unknown as MessageEndpoint, engine);
  const client = new WorkerEngineClient(port2 as unknown as MessageEndpoint);
  (port1 as unknown as { start(): void }).start();
  (port2 as unknown as { start(): void }).start();
  const close = () => {
    port1.close();
    port2.close();
  };
  return { engine, client, close };
}

const model: ModelSpec = { kind: "gguf", id: "m", url: "/m.gguf", label: "m" };

describe("engine worker protocol", () => {
  it("loads with progress and streams chunks with token ids", async () => {
    const { client, engine, close } = pair();
    const progress: LoadProgress[] = [];
    const info = await client.load(model, (p) => progress.push(p));
    expect(info).toEqual({ backend: "webllm", modelId: "m", offloadTokenId: 42 });
    expect(progress).toEqual([{ phase: "download", loadedBytes: 5, totalBytes: 10, fromCache: false }]);
    const got: TokenChunk[] = [];
    for await (const c of client.generate([{ role: "user", content: "hi" }], { logitBias: { 42: -100 } })) {
      got.push(c);
      if (got.length === 3) break;
    }
    expect(got).toEqual([
      { text: "0 ", tokenId: 0 },
      { text: "1 ", tokenId: 1 },
      { text: "2 ", tokenId: 2 },
    ]);
    expect(engine.seenOptions?.logitBias).toEqual({ 42: -100 });
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.aborted).toBe(true);
    close();
  });

  it("aborts the worker's generation through the signal", async () => {
    const { client, engine, close } = pair();
    await client.load(model);
    const controller = new AbortController();
    let n = 0;
    for await (const _ of client.generate([{ role: "user", content: "hi" }], { signal: controller.signal })) {
      if (++n === 2) controller.abort();
      if (n > 10) break;
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.aborted).toBe(true);
    expect(n).toBeLessThan(10);
    close();
  });

  it("carries typed load errors and generation errors across", async () => {
    const { client, close } = pair();
    const err = await client.load({ ...model, id: "broken" }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({ code: "truncated", message: "The model file is truncated." });
    await client.load(model);
    const run = async () => {
      for await (const _ of client.generate([{ role: "user", content: "fail" }])) {
      }
    };
    await expect(run()).rejects.toThrow("GPU device lost");
    close();
  });

  it("ignores messages that are not protocol messages", async () => {
    const { port1, port2 } = new MessageChannel();
    const engine = new CountingEngine();
    serveEngine(port1 as unknown as MessageEndpoint, engine);
    (port1 as unknown as { start(): void }).start();
    port2.postMessage({ type: "load", model });
    port2.postMessage("garbage");
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.info).toBeUndefined();
    port1.close();
    port2.close();
  });
});
