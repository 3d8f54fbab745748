/**
 * WebGPU backend: @mlc-ai/web-llm running MLC-format weights. Meant to run inside a Web Worker
 * (see ../worker): a LogitProcessor sees every sampled token id, which web-llm's stream does not
 * carry, so the offload token is caught by id.
 */

import { type AppConfig, type LogitProcessor, MLCEngine } from "@mlc-ai/web-llm";
import { followCard } from "../../model-card";
import { chunksFor } from "../token-chunks";
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

/** Records sampled ids between two stream chunks; leaves logits untouched. */
export class SampledTokenRecorder implements LogitProcessor {
  private ids: number[] = [];
  processLogits(logits: Float32Array): Float32Array {
    return logits;
  }
  processSampledToken(token: number): void {
    this.ids.push(token);
  }
  resetState(): void {
    this.ids = [];
  }
  take(): number[] {
    const out = this.ids;
    this.ids = [];
    return out;
  }
}

export class WebLLMEngine implements LocalEngine {
  private engine: MLCEngine | undefined;
  private readonly recorder = new SampledTokenRecorder();
  info: EngineInfo | undefined;

  constructor(private readonly cacheBackend: AppConfig["cacheBackend"] = "cache") {}

  async load(
    model: ModelSpec,
    onProgress?: (p: LoadProgress) => void,
    signal?: AbortSignal,
  ): Promise<EngineInfo> {
    if (model.kind !== "mlc") {
      throw new ModelLoadError(
        `The WebGPU engine runs MLC models; "${model.label}" is a GGUF (CPU) model.`,
        "unsupported",
      );
    }
    await this.unload();
    const modelId = model.record.model_id;
    const engine = new MLCEngine({
      appConfig: {
        model_list: [model.record as AppConfig["model_list"][number]],
        cacheBackend: this.cacheBackend,
      },
      logitProcessorRegistry: new Map([[modelId, this.recorder]]),
      initProgressCallback: (r) =>
        // web-llm reports a fraction, not bytes; scale it to the record's size estimate.
        onProgress?.({
          phase: r.progress < 1 ? "download" : "load",
          loadedBytes: Math.round(r.progress * (model.record.vram_required_MB ?? 1) * 1e6),
          totalBytes: Math.round((model.record.vram_required_MB ?? 1) * 1e6),
          fromCache: r.text.includes("cache"),
        }),
    });
    const abort = () => void engine.unload();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      await engine.reload(modelId);
    } catch (e) {
      if (signal?.aborted) throw new ModelLoadError("Loading was cancelled.", "aborted");
      throw new ModelLoadError(`The WebGPU engine could not load "${model.label}": ${String(e)}`, "engine");
    } finally {
      signal?.removeEventListener("abort", abort);
    }
    this.engine = engine;
    this.info = {
      backend: "webllm",
      modelId: model.id,
      ...(model.offloadTokenId !== undefined ? { offloadTokenId: model.offloadTokenId } : {}),
      ...(model.card ? { card: model.card } : {}),
    };
    return this.info;
  }

  async *generate(
    conversation: readonly ChatMessage[],
    requested: GenerateOptions = {},
  ): AsyncIterable<TokenChunk> {
    const engine = this.engine;
    if (!engine) throw new Error("No model is loaded in the WebGPU engine.");
    const { messages, options } = followCard(this.info?.card, conversation, requested);
    const { signal } = options;
    if (signal?.aborted) return;
    const logitBias: Record<string, number> = { ...options.logitBias };
    this.recorder.resetState();
    const stream = await engine.chat.completions.create({
      messages: messages.map((m) => ({ role: m.role, content: m.content })) as never,
      stream: true,
      temperature: options.temperature ?? 0.7,
      max_tokens: options.maxTokens ?? 512,
      logit_bias: logitBias,
    });
    const interrupt = () => void engine.interruptGenerate();
    signal?.addEventListener("abort", interrupt, { once: true });
    try {
      for await (const chunk of stream) {
        if (signal?.aborted) return;
        const text = chunk.choices[0]?.delta?.content ?? "";
        for (const c of chunksFor(text, this.recorder.take())) yield c;
      }
    } finally {
      signal?.removeEventListener("abort", interrupt);
      if (signal?.aborted) await engine.interruptGenerate();
    }
  }

  async unload(): Promise<void> {
    const e = this.engine;
    this.engine = undefined;
    this.info = undefined;
    await e?.unload();
  }
}
