/** The one interface every local backend implements, whatever thread it runs in. */

import type { ModelCard } from "../model-card";

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface GenerateOptions {
  maxTokens?: number;
  temperature?: number;
  /** Token id -> bias added to its logit; -100 bans a token. */
  logitBias?: Record<number, number>;
  signal?: AbortSignal;
}

export interface TokenChunk {
  text: string;
  /** The sampled token's id, where the backend reports it. */
  tokenId?: number;
}

export type BackendName = "wllama" | "webllm";

export interface LoadProgress {
  phase: "download" | "load";
  loadedBytes: number;
  totalBytes?: number;
  /** True when the bytes come from the browser's cache instead of the network. */
  fromCache: boolean;
}

export type GgufModelSpec = {
  kind: "gguf";
  id: string;
  /** Absolute or page-relative URL of the .gguf file. */
  url: string;
  label: string;
};

export type MlcModelSpec = {
  kind: "mlc";
  id: string;
  label: string;
  /** Id of `<|offload|>` in the weights' tokenizer, for our own post-trained exports. */
  offloadTokenId?: number;
  /** How the post-trained model must be used (prompt, decoding, offload bias) and where it came from. */
  card?: ModelCard;
  /** A web-llm ModelRecord (plain JSON, so it can cross a worker boundary). */
  record: {
    model: string;
    model_id: string;
    model_lib: string;
    required_features?: string[];
    vram_required_MB?: number;
    low_resource_required?: boolean;
    overrides?: Record<string, unknown>;
  };
};

export type ModelSpec = GgufModelSpec | MlcModelSpec;

export interface EngineInfo {
  backend: BackendName;
  modelId: string;
  /** Id of `<|offload|>` in this model's vocabulary, when it has the token. */
  offloadTokenId?: number;
  contextLength?: number;
  /** The model's card, when it has one: the engine then prompts and decodes as the card says. */
  card?: ModelCard;
}

export interface LocalEngine {
  readonly info: EngineInfo | undefined;
  load(model: ModelSpec, onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<EngineInfo>;
  generate(messages: readonly ChatMessage[], options?: GenerateOptions): AsyncIterable<TokenChunk>;
  unload(): Promise<void>;
}

/** A model file or library that cannot be used, with what is wrong in words a person understands. */
export class ModelLoadError extends Error {
  constructor(
    message: string,
    readonly code: "corrupt" | "truncated" | "unsupported" | "network" | "quota" | "aborted" | "engine",
  ) {
    super(message);
    this.name = "ModelLoadError";
  }
}
