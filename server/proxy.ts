/**
 * POST /api/cloud/v1/messages: the Messages API proxy. The browser's SDK points its baseURL at
 * /api/cloud; the key is added here and never leaves the server. The request is checked and
 * rebuilt (messages-request.ts), its tokens reserved against the client's daily budget, then
 * settled with what the upstream reports or delivered. Answers are written to the client's Node
 * response chunk by chunk as they arrive, at the client's pace (relay.ts), scrubbed of secrets; a
 * client that goes away cancels the upstream request. Every refusal is an Anthropic-format error
 * the SDK and the app understand.
 */

import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import type { Dispatcher } from "undici";
import { readJsonObject } from "./body";
import type { ServerConfig } from "./config";
import { anthropicError, invalidRequest } from "./errors";
import { type LimitStore, secondsUntilNextUtcDay } from "./limits";
import type { Logger } from "./log";
import { checkMessagesRequest } from "./messages-request";
import { relay } from "./relay";
import { SecretScrubber, scrubSecrets } from "./scrub";
import { timedOut, type Upstream } from "./upstream";
import { type Estimate, UsageMeter } from "./usage";

/** Requests served by @hono/node-server, which passes the Node request and response along. */
export type NodeEnv = { Bindings: HttpBindings };
export type NodeContext = Context<NodeEnv>;

interface ProxyDeps {
  config: ServerConfig;
  limits: LimitStore;
  log: Logger;
  upstream: Upstream;
  clientOf: (c: NodeContext) => string;
  now?: () => number;
  /** Tracks open upstream requests (for graceful shutdown and leak checks). */
  inFlight: { count: number };
}

const PASS_RESPONSE_HEADERS = [
  "content-type",
  "request-id",
  "retry-after",
  "x-should-retry",
  "cache-control",
];

interface Forward {
  client: string;
  body: string;
  headers: Record<string, string>;
  stream: boolean;
  estimate: Estimate;
  reserved: number;
}

export function messagesProxy(deps: ProxyDeps) {
  const { config, limits, log } = deps;
  const now = deps.now ?? Date.now;

  return async (c: NodeContext): Promise<Response> => {
    if (!config.apiKey) {
      return anthropicError(
        503,
        "api_error",
        "The cloud is not configured on this server: set ANTHROPIC_API_KEY and restart it. Answers stay on the device meanwhile.",
        { "x-should-retry": "false" },
      );
    }
    // The Host was checked against the allowlist before this, so the URL's origin is ours.
    const origin = c.req.header("origin");
    const self = new URL(c.req.url).origin;
    if (
      origin &&
      origin !== self &&
      !config.publicOrigins.includes(origin) &&
      !config.allowedOrigins.includes(origin)
    ) {
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

    const read = await readJsonObject(c.env.incoming, config.maxBodyBytes);
    if ("error" in read) return read.error;
    const checked = checkMessagesRequest(read.value, c.req.raw.headers, config);
    if ("error" in checked) return invalidRequest(checked.error);
    const body = JSON.stringify(checked.body);
    const estimate = { input: Math.ceil(body.length / 4), maxOutput: checked.body.max_tokens };
    const reserved = estimate.input + estimate.maxOutput;
    if (!(await limits.reserveTokens(client, reserved, config.dailyTokenBudget, now()))) {
      return anthropicError(
        429,
        "rate_limit_error",
        "Today's cloud token budget for this client is used up.",
        {
          "retry-after": String(secondsUntilNextUtcDay(now())),
          "x-should-retry": "false",
        },
      );
    }
    if (config.logBodies) log.info("proxy request body", { client, body: checked.body });
    return forward(c, {
      client,
      body,
      headers: checked.headers,
      stream: checked.body.stream === true,
      estimate,
      reserved,
    });
  };

  async function forward(c: NodeContext, request: Forward): Promise<Response> {
    const { client } = request;
    const key = config.apiKey!;
    const meter = new UsageMeter(request.stream, request.estimate);
    const controller = new AbortController();
    const cancel = () => controller.abort();
    // The client's connection closing before its answer is out means it went away.
    const { outgoing } = c.env;
    outgoing.once("close", cancel);
    deps.inFlight.count++;
    let finished = false;
    /** Settles the reservation and frees everything the request held, once. */
    const finish = (tokens: number, status?: number) => {
      if (finished) return;
      finished = true;
      limits
        .settleTokens(client, request.reserved, tokens, now())
        .catch((e) => log.error("could not settle token usage", { client, error: String(e) }));
      deps.inFlight.count--;
      outgoing.off("close", cancel);
      if (status !== undefined) log.info("proxied", { client, status, tokens });
    };
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await deps.upstream.post(
        request.body,
        { ...request.headers, "content-type": "application/json", "x-api-key": key },
        controller.signal,
      );
    } catch (e) {
      // Client gone or no answer in time, the upstream may have worked on the request; unreachable,
      // it did not.
      const late = timedOut(e);
      finish(controller.signal.aborted || late ? meter.tokens(false) : 0);
      if (controller.signal.aborted) return new Response(null, { status: 499 });
      log.warn("upstream unreachable", { client, error: late ? "timeout" : String((e as Error).cause ?? e) });
      return anthropicError(
        late ? 504 : 502,
        "api_error",
        late
          ? `The cloud did not answer within ${Math.round(config.upstreamTimeoutMs / 1000)} s.`
          : "The cloud could not be reached from this server (upstream down). Try again later.",
      );
    }
    const status = upstream.statusCode;
    const headers: Record<string, string> = {};
    for (const h of PASS_RESPONSE_HEADERS) {
      const v = upstream.headers[h];
      if (v !== undefined) headers[h] = scrubSecrets(Array.isArray(v) ? v.join(", ") : v, key);
    }
    // The longest silence allowed while the answer flows.
    const idle = setTimeout(cancel, config.streamIdleTimeoutMs);
    // An upstream error costs nothing; its body is passed on (scrubbed) but not metered.
    const ok = status >= 200 && status < 300;
    const scrubber = new SecretScrubber(key);
    outgoing.writeHead(status, headers);
    relay(
      upstream.body,
      outgoing,
      {
        chunk: (bytes) => {
          idle.refresh();
          if (ok) meter.add(bytes);
          return scrubber.push(bytes);
        },
        end: () => scrubber.end(),
      },
      (complete) => {
        clearTimeout(idle);
        finish(ok ? meter.tokens(complete) : 0, status);
      },
    );
    return RESPONSE_ALREADY_SENT;
  }
}
