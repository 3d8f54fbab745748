/** Messages between a LocalEngine running in a worker and its proxy on the page. */

import type { ChatMessage, EngineInfo, GenerateOptions, LoadProgress, ModelSpec, TokenChunk } from "../types";

export const ENGINE_PROTOCOL_VERSION = 1;

export type EngineRequest =
  | { v: 1; id: number; type: "load"; model: ModelSpec }
  | { v: 1; id: number; type: "generate"; messages: ChatMessage[]; options: Omit<GenerateOptions, "signal"> }
  | { v: 1; id: number; type: "abort" }
  | { v: 1; id: number; type: "unload" };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

export type EngineResponse =
  | { v: 1; id: number; type: "progress"; progress: LoadProgress }
  | { v: 1; id: number; type: "loaded"; info: EngineInfo }
  | { v: 1; id: number; type: "chunk"; chunk: TokenChunk }
  | { v: 1; id: number; type: "done" }
  | { v: 1; id: number; type: "error"; error: SerializedError };

/** The part of Worker / MessagePort / DedicatedWorkerGlobalScope both ends use. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, ...(typeof code === "string" ? { code } : {}) };
  }
  return { name: "Error", message: String(e) };
}
