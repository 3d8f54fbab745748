/**
 * POST /api/cloud/v1/messages: the Messages API proxy. The browser's SDK points its baseURL at
 * /api/cloud; the key is added here and never leaves the server. Streams pass through byte for
 * byte as they arrive (web streams give backpressure); a client that goes away cancels the upstream
 * request. Every refusal is an Anthropic-format error the SDK and the app understand.
 */

import type { Context } from "hono";
import type { ServerConfig } from "./config";
import { type LimitStore, secondsUntilNextUtcDay } from "./limits";
import type { Logger } from "./log";

export function anthropicError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ type: "error", error: { type, message } }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** Counts usage in a Messages response as it passes, without changing a byte. */
export function usageCounter(isStream: boolean, onDone: (tokens: number) => void, onChunk: () => void) {
  const decoder = new TextDecoder();
  let text = "";
  let input = 0;
  let output = 0;
  const scan = (part: string) => {
    for (const m of part.matchAll(/"input_tokens"\s*:\s*(\d+)/g)) input = Math.max(input, Number(m[1]));
    for (const m of part.matchAll(/"output_tokens"\s*:\s*(\d+)/g)) output = Math.max(output, Number(m[1]));
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      onChunk();
      controller.enqueue(chunk);
      text += decoder.decode(chunk, { stream: true });
      if (isStream) {
        const end = text.lastIndexOf("\n\n");
        if (end >= 0) {
          scan(text.slice(0, end));
          text = text.slice(end + 2);
        }
      } else if (text.length > 1 << 20) {
        text = text.slice(-4096);
      }
    },
    flush() {
      scan(text);
      onDone(input + output);
    },
  });
}

interface ProxyDeps {
  config: ServerConfig;
  limits: LimitStore;
  log: Logger;
  clientOf: (c: Context) => string;
  now?: () => number;
  /** Tracks open upstream requests (for graceful shutdown and leak checks). */
  inFlight: { count: number };
}

const PASS_REQUEST_HEADERS = ["anthropic-version", "anthropic-beta", "content-type"];
const PASS_RESPONSE_HEADERS = [
  "content-type",
  "request-id",
  "retry-after",
  "x-should-retry",
  "cache-control",
];

export function messagesProxy(deps: ProxyDeps) {
  const { config, limits, log } = deps;
  const now = deps.now ?? Date.now;

  return async (c: Context): Promise<Response> => {
    if (!config.apiKey) {
      return anthropicError(
        503,
        "api_error",
        "The cloud is not configured on this server: set ANTHROPIC_API_KEY and restart it. Answers stay on the device meanwhile.",
        { "x-should-retry": "false" },
      );
    }
    const origin = c.req.header("origin");
    const self = new URL(c.req.url).origin;
    if (origin && origin !== self && !config.allowedOrigins.includes(origin)) {
      return anthropicError(
        403,
        "permission_error",
        `Origin ${origin} may not use this server's cloud proxy.`,
      );
    }
    if (config.siteTokens.length > 0) {
      const token = c.req.header("x-api-key") ?? c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
      if (!token || !config.siteTokens.includes(token)) {
        return anthropicError(
          401,
          "authentication_error",
          "A valid site token is required to use this cloud proxy.",
        );
      }
    }
    const client = deps.clientOf(c);
    const wait = await limits.takeRequest(client, config.requestsPerMinute, now());
    if (wait !== undefined) {
      return anthropicError(429, "rate_limit_error", `Too many cloud requests; try again in ${wait} s.`, {
        "retry-after": String(wait),
      });
    }
    if ((await limits.tokensToday(client, now())) >= config.dailyTokenBudget) {
      const wait = secondsUntilNextUtcDay(now());
      return anthropicError(
        429,
        "rate_limit_error",
        "Today's cloud token budget for this client is used up.",
        {
          "retry-after": String(wait),
          "x-should-retry": "false",
        },
      );
    }

    const declared = Number(c.req.header("content-length") ?? 0);
    if (declared > config.maxBodyBytes) return tooLarge(config.maxBodyBytes);
    const raw = await c.req.arrayBuffer();
    if (raw.byteLength > config.maxBodyBytes) return tooLarge(config.maxBodyBytes);
    let body: { model?: unknown; max_tokens?: unknown; messages?: unknown; stream?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      return anthropicError(400, "invalid_request_error", "The request body is not valid JSON.");
    }
    const invalid = validate(body, config);
    if (invalid) return anthropicError(400, "invalid_request_error", invalid);
    if (config.logBodies) log.info("proxy request body", { client, body });

    const controller = new AbortController();
    const cancel = () => controller.abort();
    c.req.raw.signal.addEventListener("abort", cancel, { once: true });
    const headersTimer = setTimeout(cancel, config.upstreamTimeoutMs);
    const headers: Record<string, string> = { "x-api-key": config.apiKey };
    for (const h of PASS_REQUEST_HEADERS) {
      const v = c.req.header(h);
      if (v) headers[h] = v;
    }
    headers["anthropic-version"] ??= "2023-06-01";
    deps.inFlight.count++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      deps.inFlight.count--;
      clearTimeout(headersTimer);
      c.req.raw.signal.removeEventListener("abort", cancel);
    };
    let upstream: Response;
    try {
      upstream = await fetch(new URL("/v1/messages", config.upstreamURL), {
        method: "POST",
        headers,
        body: raw,
        signal: controller.signal,
      });
    } catch (e) {
      release();
      if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
      const timedOut = controller.signal.aborted;
      log.warn("upstream unreachable", {
        client,
        error: timedOut ? "timeout" : String((e as Error).cause ?? e),
      });
      return anthropicError(
        timedOut ? 504 : 502,
        "api_error",
        timedOut
          ? `The cloud did not answer within ${Math.round(config.upstreamTimeoutMs / 1000)} s.`
          : "The cloud could not be reached from this server (upstream down). Try again later.",
      );
    }
    clearTimeout(headersTimer);
    const out = new Headers();
    for (const h of PASS_RESPONSE_HEADERS) {
      const v = upstream.headers.get(h);
      if (v) out.set(h, v);
    }
    if (!upstream.body) {
      release();
      return new Response(null, { status: upstream.status, headers: out });
    }
    let idle: ReturnType<typeof setTimeout> | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(cancel, config.streamIdleTimeoutMs);
    };
    armIdle();
    const isStream = (upstream.headers.get("content-type") ?? "").includes("event-stream");
    const counted = upstream.body.pipeThrough(
      usageCounter(
        isStream,
        (tokens) => {
          clearTimeout(idle);
          release();
          void limits.addTokens(client, tokens, now());
          log.info("proxied", { client, status: upstream.status, tokens });
        },
        armIdle,
      ),
    );
    // Whatever ends the stream early (client gone, idle timeout) must free the upstream too.
    controller.signal.addEventListener(
      "abort",
      () => {
        clearTimeout(idle);
        release();
      },
      { once: true },
    );
    return new Response(counted, { status: upstream.status, headers: out });
  };
}

function tooLarge(max: number): Response {
  return anthropicError(
    413,
    "request_too_large",
    `The request is larger than this server accepts (${max} bytes).`,
  );
}

function validate(
  body: { model?: unknown; max_tokens?: unknown; messages?: unknown },
  config: ServerConfig,
): string | undefined {
  if (typeof body.model !== "string") return "model is required.";
  if (!config.models.includes(body.model)) {
    return `Model ${body.model} is not allowed on this server; allowed: ${config.models.join(", ")}.`;
  }
  if (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return "max_tokens must be a positive integer.";
  }
  if (body.max_tokens > config.maxTokensCap) {
    return `max_tokens may be at most ${config.maxTokensCap} on this server (got ${body.max_tokens}).`;
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return "messages must be a non-empty list.";
  if (body.messages.length > config.maxMessages) {
    return `At most ${config.maxMessages} messages per request on this server (got ${body.messages.length}).`;
  }
  return undefined;
}
