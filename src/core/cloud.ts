/**
 * The cloud: Anthropic's Messages API through @anthropic-ai/sdk, streamed.
 *
 * Two ways to reach it: through our server's proxy (the real key stays on the server; the browser
 * holds at most a per-site proxy token), or directly with the user's own key, kept only in this
 * browser (`dangerouslyAllowBrowser`: the UI says so). Any Anthropic-compatible endpoint works as
 * the base URL. Retries with backoff on 408/409/429/5xx/529, honouring retry-after, are the SDK's.
 */

import type Anthropic from "@anthropic-ai/sdk";
import { CloudError, toCloudError } from "./cloud-errors";
import type { ChatMessage } from "./engines/types";

export { CloudError } from "./cloud-errors";

export interface CloudConfig {
  mode: "proxy" | "direct";
  /** proxy: our server's proxy URL; direct: https://api.anthropic.com or any compatible endpoint. */
  baseURL: string;
  /** direct mode: the user's own API key. */
  apiKey?: string;
  /** proxy mode: an optional per-site token the proxy checks (never the real key). */
  proxyToken?: string;
  model: string;
  maxTokens?: number;
  /** Limit for each attempt until the response starts. */
  timeoutMs?: number;
  /** Limit on silence while the answer streams. */
  idleTimeoutMs?: number;
  maxRetries?: number;
}

export interface CloudUsage {
  inputTokens: number;
  outputTokens: number;
}

export type CloudEvent = { type: "text"; text: string } | { type: "usage"; usage: CloudUsage };

export interface CloudStreamOptions {
  system?: string;
  signal?: AbortSignal;
  /** Called when the HTTP request actually leaves (each retry calls it again). */
  onRequestSent?: () => void;
}

/** Anthropic wants alternating user/assistant turns starting with the user, system apart. */
export function toAnthropicMessages(messages: readonly ChatMessage[]): {
  system: string | undefined;
  messages: Anthropic.MessageParam[];
} {
  const system = messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n\n");
  const turns: Anthropic.MessageParam[] = [];
  for (const m of messages) {
    if (m.role === "system" || m.content.trim() === "") continue;
    const last = turns[turns.length - 1];
    if (last && last.role === m.role) last.content = `${last.content as string}\n\n${m.content}`;
    else if (turns.length === 0 && m.role === "assistant") continue;
    else turns.push({ role: m.role, content: m.content });
  }
  if (turns.length === 0 || turns[turns.length - 1]!.role !== "user") {
    throw new CloudError("There is no user message to send to the cloud.", "bad-request");
  }
  return { system: system || undefined, messages: turns };
}

let sdk: Promise<typeof Anthropic> | undefined;

/** The SDK is its own chunk, loaded on the first cloud call; call this early to have it ready. */
export function loadCloudSdk(): Promise<typeof Anthropic> {
  sdk ??= import("@anthropic-ai/sdk").then((m) => m.default);
  return sdk;
}

export class CloudClient {
  private client: Anthropic | undefined;
  private onFetch: (() => void) | undefined;

  constructor(readonly config: CloudConfig) {
    if (config.mode === "direct" && !config.apiKey) {
      throw new CloudError("Direct cloud access needs your API key (Settings -> Cloud).", "not-configured");
    }
  }

  private sdkClient(Sdk: typeof Anthropic): Anthropic {
    const config = this.config;
    const credential =
      config.mode === "direct"
        ? { apiKey: config.apiKey! }
        : { authToken: config.proxyToken ?? "tandem-proxy" };
    this.client ??= new Sdk({
      ...credential,
      baseURL: config.baseURL,
      dangerouslyAllowBrowser: true,
      maxRetries: config.maxRetries ?? 3,
      timeout: config.timeoutMs ?? 60_000,
      fetch: (input, init) => {
        this.onFetch?.();
        return globalThis.fetch(input, init);
      },
    });
    return this.client;
  }

  async *stream(
    messages: readonly ChatMessage[],
    options: CloudStreamOptions = {},
  ): AsyncIterable<CloudEvent> {
    const converted = toAnthropicMessages(messages);
    const system = [options.system, converted.system].filter(Boolean).join("\n\n") || undefined;
    const controller = new AbortController();
    const abort = () => controller.abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    const idleMs = this.config.idleTimeoutMs ?? 30_000;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, idleMs);
    };
    let receivedText = false;
    const Sdk = await loadCloudSdk();
    const client = this.sdkClient(Sdk);
    this.onFetch = options.onRequestSent;
    try {
      const stream = await client.messages.create(
        {
          model: this.config.model,
          max_tokens: this.config.maxTokens ?? 1024,
          messages: converted.messages,
          ...(system ? { system } : {}),
          stream: true,
        },
        { signal: controller.signal },
      );
      this.onFetch = undefined;
      let inputTokens = 0;
      let outputTokens = 0;
      let complete = false;
      armIdle();
      for await (const event of stream) {
        armIdle();
        if (event.type === "message_start") {
          inputTokens = event.message.usage.input_tokens;
          outputTokens = event.message.usage.output_tokens;
        } else if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
          receivedText = true;
          yield { type: "text", text: event.delta.text };
        } else if (event.type === "message_delta") {
          outputTokens = event.usage.output_tokens;
        } else if (event.type === "message_stop") {
          complete = true;
        }
      }
      // The SDK ends the iteration quietly on an abort or a dropped connection.
      if (!complete) throw new Error("the stream ended before message_stop");
      yield { type: "usage", usage: { inputTokens, outputTokens } };
    } catch (e) {
      if (timedOut) {
        throw new CloudError(`The cloud stopped answering for ${Math.round(idleMs / 1000)} s.`, "timeout");
      }
      throw toCloudError(
        e,
        {
          receivedText,
          aborted: options.signal?.aborted ?? false,
          baseURL: this.config.baseURL,
        },
        Sdk,
      );
    } finally {
      clearTimeout(idleTimer);
      this.onFetch = undefined;
      options.signal?.removeEventListener("abort", abort);
    }
  }
}
