/**
 * Builds the local engine for a backend: wllama on the page (it has its own worker), web-llm in a
 * worker. Each engine is its own chunk, loaded only when a model needs it.
 */

import type { BackendName, LocalEngine } from "./types";
import type { MessageEndpoint } from "./worker/protocol";

export interface EngineFactoryOptions {
  wllamaWasmUrl: string;
}

export async function createEngine(
  backend: BackendName,
  options: EngineFactoryOptions,
): Promise<LocalEngine> {
  if (backend === "wllama") {
    const { WllamaEngine } = await import("./wllama-engine");
    return new WllamaEngine({ wasmUrl: options.wllamaWasmUrl });
  }
  const { WorkerEngineClient } = await import("./worker/client");
  const worker = new Worker(new URL("./webllm/webllm.worker.ts", import.meta.url), { type: "module" });
  return new WorkerEngineClient(worker as unknown as MessageEndpoint);
}
