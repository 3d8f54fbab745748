/** Runs inside a worker: serves one LocalEngine to the page over the engine protocol. */

import type { LocalEngine } from "../types";
import { type EngineRequest, type EngineResponse, type MessageEndpoint, serializeError } from "./protocol";

export function serveEngine(endpoint: MessageEndpoint, engine: LocalEngine): () => void {
  const running = new Map<number, AbortController>();
  const send = (m: EngineResponse) => endpoint.postMessage(m);

  const handle = async (req: EngineRequest) => {
    const controller = new AbortController();
    running.set(req.id, controller);
    try {
      if (req.type === "load") {
        const info = await engine.load(
          req.model,
          (progress) => send({ v: 1, id: req.id, type: "progress", progress }),
          controller.signal,
        );
        send({ v: 1, id: req.id, type: "loaded", info });
      } else if (req.type === "generate") {
        for await (const chunk of engine.generate(req.messages, {
          ...req.options,
          signal: controller.signal,
        })) {
          send({ v: 1, id: req.id, type: "chunk", chunk });
        }
        send({ v: 1, id: req.id, type: "done" });
      } else if (req.type === "unload") {
        await engine.unload();
        send({ v: 1, id: req.id, type: "done" });
      }
    } catch (e) {
      send({ v: 1, id: req.id, type: "error", error: serializeError(e) });
    } finally {
      running.delete(req.id);
    }
  };

  const listener = (event: MessageEvent) => {
    const req = event.data as EngineRequest;
    if (req?.v !== 1 || typeof req.id !== "number") return;
    if (req.type === "abort") running.get(req.id)?.abort();
    else void handle(req);
  };
  endpoint.addEventListener("message", listener);
  return () => endpoint.removeEventListener("message", listener);
}
