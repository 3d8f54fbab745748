/** Builds the local engine for a backend: wllama on the page (it has its own worker), web-llm in a worker. */

import type { BackendName, LocalEngine } from "./types";
import { WllamaEngine } from "./wllama-engine";
import { WorkerEngineClient } from "./worker/client";
import type { MessageEndpoint } from "./worker/protocol";

export interface EngineFactoryOptions {
  wllamaWasmUrl: string;
}

export function createEngine(backend: BackendName, options: EngineFactoryOptions): LocalEngine {
  if (backend === "wllama") return new WllamaEngine({ wasmUrl: options.wllamaWasmUrl });
  const worker = new Worker(new URL("./webllm/webllm.worker.ts", import.meta.url), { type: "module" });
  return new WorkerEngineClient(worker as unknown as MessageEndpoint);
}
