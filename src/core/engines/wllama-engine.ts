/**
 * CPU backend: llama.cpp compiled to WebAssembly (@wllama/wllama), for GGUF models and for
 * browsers without WebGPU. wllama runs its wasm in its own worker, so the page stays responsive.
 */

import { type RawCompletionChunk, Wllama, type WllamaLogger } from "@wllama/wllama";
import { followCard } from "../model-card";
import { ChatTemplate } from "./chat-template";
import { inspectGguf } from "./gguf-header";
import { fetchModelFile } from "./model-file";
import { chunksFor } from "./token-chunks";
import {
  type ChatMessage,
  type EngineInfo,
  type GenerateOptions,
  type LoadProgress,
  type LocalEngine,
  ModelLoadError,
  type ModelSpec,
  type TokenChunk,
} from "./types";

export interface WllamaEngineOptions {
  /** URL of wllama's wasm binary (the app bundles it; nothing is fetched from a CDN). */
  wasmUrl: string;
  /** Threads for llama.cpp; 1 is fastest on small machines and needs no cross-origin isolation. */
  threads?: number;
  contextLength?: number;
  cacheName?: string;
}

interface CompletionLogprob {
  id: number;
}

/** One raw-completion chunk as token chunks. */
function chunksOf(chunk: RawCompletionChunk): TokenChunk[] {
  const choice = chunk.choices[0];
  if (!choice) return [];
  // The typings say null, but with `logprobs` set each chunk lists its tokens' ids.
  const tokens = (choice.logprobs as unknown as { content?: CompletionLogprob[] } | null)?.content ?? [];
  return chunksFor(
    choice.text,
    tokens.map((t) => t.id),
  );
}

const quietLogger: WllamaLogger = {
  debug: () => {},
  log: () => {},
  warn: () => {},
  error: (...args: unknown[]) => console.error(...args),
};

export class WllamaEngine implements LocalEngine {
  private wllama: Wllama | undefined;
  private template: ChatTemplate | undefined;
  info: EngineInfo | undefined;
  /** Set when the model works but could not be stored for offline use. */
  cacheWarning: string | undefined;

  constructor(private readonly options: WllamaEngineOptions) {}

  async load(
    model: ModelSpec,
    onProgress?: (p: LoadProgress) => void,
    signal?: AbortSignal,
  ): Promise<EngineInfo> {
    if (model.kind !== "gguf") {
      throw new ModelLoadError(
        `The CPU engine runs GGUF models; "${model.label}" is an MLC (WebGPU) model.`,
        "unsupported",
      );
    }
    const file = await fetchModelFile(model.url, {
      validate: inspectGguf,
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
      ...(this.options.cacheName ? { cacheName: this.options.cacheName } : {}),
    });
    this.cacheWarning = file.cacheError;
    const summary = file.checked;
    await this.unload();
    onProgress?.({ phase: "load", loadedBytes: 0, totalBytes: file.blob.size, fromCache: file.fromCache });
    const wllama = new Wllama(
      { default: this.options.wasmUrl },
      { suppressNativeLog: true, logger: quietLogger },
    );
    try {
      await wllama.loadModel([file.blob], {
        n_ctx: Math.min(this.options.contextLength ?? 4096, summary.contextLength),
        n_threads: this.options.threads ?? 1,
      });
    } catch (e) {
      await wllama.exit().catch(() => {});
      throw new ModelLoadError(`The CPU engine could not load "${model.label}": ${String(e)}`, "engine");
    }
    onProgress?.({
      phase: "load",
      loadedBytes: file.blob.size,
      totalBytes: file.blob.size,
      fromCache: file.fromCache,
    });
    const ctx = wllama.getLoadedContextInfo();
    this.wllama = wllama;
    // No bos_token: llama.cpp's tokenizer adds BOS itself when the model asks for it.
    this.template = new ChatTemplate(
      wllama.getChatTemplate(),
      summary.eosToken ? { eos_token: summary.eosToken } : {},
    );
    this.info = {
      backend: "wllama",
      modelId: model.id,
      contextLength: ctx.n_ctx,
      ...(summary.offloadTokenId !== undefined ? { offloadTokenId: summary.offloadTokenId } : {}),
      ...(summary.card ? { card: summary.card } : {}),
    };
    return this.info;
  }

  async *generate(
    conversation: readonly ChatMessage[],
    requested: GenerateOptions = {},
  ): AsyncIterable<TokenChunk> {
    const wllama = this.wllama;
    if (!wllama || !this.template) throw new Error("No model is loaded in the CPU engine.");
    const { messages, options } = followCard(this.info?.card, conversation, requested);
    const { signal } = options;
    if (signal?.aborted) return;
    const logitBias: Record<string, number> = { ...options.logitBias };
    // The onData form keeps the completion's promise in our hands: stopping early aborts it and
    // its rejection is handled here instead of surfacing as an unhandled rejection.
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal?.addEventListener("abort", stop, { once: true });
    const queue: RawCompletionChunk[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    const settle = () => {
      finished = true;
      wake?.();
    };
    wllama
      .createCompletion({
        prompt: this.template.render(messages),
        stream: true,
        logprobs: 1,
        temperature: options.temperature ?? 0.7,
        max_tokens: options.maxTokens ?? 512,
        // The OpenAI-style map form is what the server reads; the typings intersect it with an array form.
        logit_bias: logitBias as never,
        abortSignal: controller.signal,
        onData: (chunk: RawCompletionChunk) => {
          queue.push(chunk);
          wake?.();
        },
      })
      .then(settle, (e: unknown) => {
        failure = e;
        settle();
      });
    try {
      for (;;) {
        const chunk = queue.shift();
        if (!chunk) {
          if (finished) break;
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
          continue;
        }
        yield* chunksOf(chunk);
      }
      if (failure !== undefined && !controller.signal.aborted) throw failure;
    } finally {
      signal?.removeEventListener("abort", stop);
      if (!finished) controller.abort();
    }
  }

  async unload(): Promise<void> {
    const w = this.wllama;
    this.wllama = undefined;
    this.template = undefined;
    this.info = undefined;
    await w?.exit();
  }
}
