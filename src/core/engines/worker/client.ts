/** The page's side of an engine running in a worker: a LocalEngine like any other. */

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
import type { EngineRequest, EngineResponse, MessageEndpoint, SerializedError } from "./protocol";

type Listener = (m: EngineResponse) => void;

function toError(e: SerializedError): Error {
  if (e.name === "ModelLoadError" && e.code)
    return new ModelLoadError(e.message, e.code as ModelLoadError["code"]);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export class WorkerEngineClient implements LocalEngine {
  private nextId = 1;
  private readonly listeners = new Map<number, Listener>();
  info: EngineInfo | undefined;

  constructor(private readonly endpoint: MessageEndpoint) {
    endpoint.addEventListener("message", (event: MessageEvent) => {
      const m = event.data as EngineResponse;
      if (m && m.v === 1) this.listeners.get(m.id)?.(m);
    });
  }

  private send(req: EngineRequest): void {
    this.endpoint.postMessage(req);
  }

  load(model: ModelSpec, onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<EngineInfo> {
    const id = this.nextId++;
    return new Promise<EngineInfo>((resolve, reject) => {
      const abort = () => this.send({ v: 1, id, type: "abort" });
      signal?.addEventListener("abort", abort, { once: true });
      this.listeners.set(id, (m) => {
        if (m.type === "progress") return onProgress?.(m.progress);
        this.listeners.delete(id);
        signal?.removeEventListener("abort", abort);
        if (m.type === "loaded") {
          this.info = m.info;
          resolve(m.info);
        } else if (m.type === "error") reject(toError(m.error));
      });
      this.send({ v: 1, id, type: "load", model });
    });
  }

  async *generate(
    messages: readonly ChatMessage[],
    options: GenerateOptions = {},
  ): AsyncIterable<TokenChunk> {
    const { signal, ...rest } = options;
    if (signal?.aborted) return;
    const id = this.nextId++;
    const queue: EngineResponse[] = [];
    let wake: (() => void) | undefined;
    this.listeners.set(id, (m) => {
      queue.push(m);
      wake?.();
    });
    const abort = () => this.send({ v: 1, id, type: "abort" });
    signal?.addEventListener("abort", abort, { once: true });
    this.send({ v: 1, id, type: "generate", messages: [...messages], options: rest });
    let finished = false;
    try {
      for (;;) {
        const m = queue.shift();
        if (!m) {
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
          continue;
        }
        if (m.type === "chunk") yield m.chunk;
        else if (m.type === "done") {
          finished = true;
          return;
        } else if (m.type === "error") {
          finished = true;
          throw toError(m.error);
        }
      }
    } finally {
      // Stopping early (a consumer's break) must stop the worker too.
      if (!finished) abort();
      this.listeners.delete(id);
      signal?.removeEventListener("abort", abort);
    }
  }

  unload(): Promise<void> {
    const id = this.nextId++;
    this.info = undefined;
    return new Promise<void>((resolve, reject) => {
      this.listeners.set(id, (m) => {
        this.listeners.delete(id);
        if (m.type === "error") reject(toError(m.error));
        else resolve();
      });
      this.send({ v: 1, id, type: "unload" });
    });
  }
}
