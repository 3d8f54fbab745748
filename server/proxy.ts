/**
 * POST /api/cloud/v1/messages: the Messages API proxy. The browser's SDK points its baseURL at
 * /api/cloud; the key is added here and never leaves the server. The request is checked and
 * rebuilt (messages-request.ts), its tokens reserved against the client's daily budget, then
 * settled with what the upstream reports or delivered. Answers are written to the client's Node
 * response chunk by chunk as they arrive, at the client's pace (relay.ts), scrubbed of secrets; a
 * client that goes away cancels the upstream request. Every refusal is an Anthropic-format error
 * the SDK and the app understand.
 */

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { readJsonObject, refuse } from "./body";
import type { ServerConfig } from "./config";
import { type ApiError, apiError, invalidRequest, sendError, serverError } from "./errors";
import { header } from "./header";
import { type LimitStore, LimitStoreUnavailable, secondsUntilNextUtcDay } from "./limits";
import type { Logger } from "./log";
import { checkMessagesRequest } from "./messages-request";
import { Relay } from "./relay";
import { SecretScrubber, scrubSecrets } from "./scrub";
import { timedOut, type Upstream } from "./upstream";
import { type Estimate, UsageMeter } from "./usage";

interface ProxyDeps {
  config: ServerConfig;
  limits: LimitStore;
  log: Logger;
  upstream: Upstream;
  clientOf: (req: IncomingMessage) => string;
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

/** Fail closed; the store logs the outage once, so each refusal is not logged again. */
const LIMITS_UNAVAILABLE = apiError(
  503,
  "api_error",
  "This server cannot check its usage limits right now (its limits store does not answer), so it refuses cloud requests until the store is back. Try again in a few seconds.",
  { "retry-after": "5" },
);

interface Forward {
  client: string;
  body: string;
  headers: Record<string, string>;
  stream: boolean;
  estimate: Estimate;
  reserved: number;
}

/** The upstream's response headers the client gets, scrubbed of secrets. */
function passedHeaders(upstream: IncomingHttpHeaders, key: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of PASS_RESPONSE_HEADERS) {
    const v = upstream[h];
    if (v !== undefined) headers[h] = scrubSecrets(Array.isArray(v) ? v.join(", ") : v, key);
  }
  return headers;
}

export function messagesProxy(deps: ProxyDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { config, limits, log } = deps;
  const now = deps.now ?? Date.now;

  /** The request checked, within its client's limits and rebuilt for the upstream; or why not. */
  async function admit(req: IncomingMessage): Promise<Forward | { error: ApiError }> {
    if (!config.apiKey) {
      return {
        error: apiError(
          503,
          "api_error",
          "The cloud is not configured on this server: set ANTHROPIC_API_KEY and restart it. Answers stay on the device meanwhile.",
          { "x-should-retry": "false" },
        ),
      };
    }
    const origin = header(req.headers, "origin");
    if (
      origin &&
      !config.publicOrigins.includes(origin) &&
      !config.allowedOrigins.includes(origin) &&
      // The Host was checked against the allowlist before this, so this origin is ours.
      origin !== new URL(`http://${req.headers.host}`).origin
    ) {
      return {
        error: apiError(403, "permission_error", `Origin ${origin} may not use this server's cloud proxy.`),
      };
    }
    if (config.siteTokens.length > 0) {
      const token =
        header(req.headers, "x-api-key") ?? header(req.headers, "authorization")?.replace(/^Bearer\s+/i, "");
      if (!token || !config.siteTokens.includes(token)) {
        return {
          error: apiError(
            401,
            "authentication_error",
            "A valid site token is required to use this cloud proxy.",
          ),
        };
      }
    }
    const client = deps.clientOf(req);
    const wait = await limits.takeRequest(client, config.requestsPerMinute, now());
    if (wait !== undefined) {
      return {
        error: apiError(429, "rate_limit_error", `Too many cloud requests; try again in ${wait} s.`, {
          "retry-after": String(wait),
        }),
      };
    }

    const read = await readJsonObject(req, config.maxBodyBytes);
    if ("error" in read) return read;
    const checked = checkMessagesRequest(read.value, req.headers, config);
    if ("error" in checked) return { error: invalidRequest(checked.error) };
    const body = JSON.stringify(checked.body);
    const estimate = { input: Math.ceil(body.length / 4), maxOutput: checked.body.max_tokens };
    const reserved = estimate.input + estimate.maxOutput;
    if (!(await limits.reserveTokens(client, reserved, config.dailyTokenBudget, now()))) {
      return {
        error: apiError(429, "rate_limit_error", "Today's cloud token budget for this client is used up.", {
          "retry-after": String(secondsUntilNextUtcDay(now())),
          "x-should-retry": "false",
        }),
      };
    }
    if (config.logBodies) log.info("proxy request body", { client, body: checked.body });
    return {
      client,
      body,
      headers: checked.headers,
      stream: checked.body.stream === true,
      estimate,
      reserved,
    };
  }

  function forward(res: ServerResponse, request: Forward): void {
    const { client } = request;
    const key = config.apiKey!;
    const meter = new UsageMeter(request.stream, request.estimate);
    const scrubber = new SecretScrubber(key);
    deps.inFlight.count++;
    /** Settles the reservation and frees what the request held. */
    const finish = (tokens: number) => {
      limits
        .settleTokens(client, request.reserved, tokens, now())
        .catch((e) => log.error("could not settle token usage", { client, error: String(e) }));
      deps.inFlight.count--;
    };
    let status = 0;
    let ok = false;
    let idle: NodeJS.Timeout | undefined;
    const relay = new Relay(res, {
      head: (upstreamStatus, upstreamHeaders) => {
        status = upstreamStatus;
        // An upstream error costs nothing; its body is passed on (scrubbed) but not metered.
        ok = status >= 200 && status < 300;
        // The longest silence allowed while the answer flows.
        idle = setTimeout(
          () => relay.abort(new Error("The upstream went silent.")),
          config.streamIdleTimeoutMs,
        );
        return passedHeaders(upstreamHeaders, key);
      },
      chunk: (bytes) => {
        idle?.refresh();
        if (ok) meter.add(bytes);
        return scrubber.push(bytes);
      },
      end: () => scrubber.end(),
      done: (complete) => {
        clearTimeout(idle);
        const tokens = ok ? meter.tokens(complete) : 0;
        finish(tokens);
        log.info("proxied", { client, status, tokens });
      },
      failed: (e, clientGone) => {
        // Client gone or no answer in time, the upstream may have worked on the request; unreachable,
        // it did not.
        const late = timedOut(e);
        finish(clientGone || late ? meter.tokens(false) : 0);
        if (clientGone) return;
        log.warn("upstream unreachable", { client, error: late ? "timeout" : String(e.cause ?? e) });
        sendError(
          res,
          late
            ? apiError(
                504,
                "api_error",
                `The cloud did not answer within ${Math.round(config.upstreamTimeoutMs / 1000)} s.`,
              )
            : apiError(
                502,
                "api_error",
                "The cloud could not be reached from this server (upstream down). Try again later.",
              ),
        );
      },
    });
    deps.upstream.post(
      request.body,
      { ...request.headers, "content-type": "application/json", "x-api-key": key },
      relay,
    );
  }

  const failure = (e: unknown): ApiError => {
    if (e instanceof LimitStoreUnavailable) return LIMITS_UNAVAILABLE;
    log.error("unhandled error", { error: String(e) });
    return serverError;
  };

  return async (req, res) => {
    const admitted = await admit(req).catch((e: unknown) => ({ error: failure(e) }));
    if ("error" in admitted) refuse(req, res, admitted.error);
    else forward(res, admitted);
  };
}
