/**
 * CORS for the cloud API: pages of the allowed origins may call it from a browser and read the
 * answer. The headers go on the Node response, where Node merges them into whatever answer is
 * written: the proxy writes its streamed answers there itself (Hono's cors middleware sets them on
 * Hono's response instead, which such answers bypass, and makes Hono rebuild every other answer).
 */

import type { MiddlewareHandler } from "hono";
import type { NodeEnv } from "./proxy";

const ALLOW_METHODS = "GET,POST,OPTIONS";
const ALLOW_HEADERS = "content-type,anthropic-version,anthropic-beta,authorization,x-api-key,x-stainless-*";
const EXPOSE_HEADERS = "request-id,retry-after";
const MAX_AGE_SECONDS = "600";

export function cloudCors(isAllowed: (origin: string) => boolean): MiddlewareHandler<NodeEnv> {
  return async (c, next) => {
    const origin = c.req.header("origin");
    const allowed = origin !== undefined && isAllowed(origin) ? origin : undefined;
    if (c.req.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: {
          ...(allowed ? { "access-control-allow-origin": allowed } : {}),
          "access-control-allow-methods": ALLOW_METHODS,
          "access-control-allow-headers": ALLOW_HEADERS,
          "access-control-expose-headers": EXPOSE_HEADERS,
          "access-control-max-age": MAX_AGE_SECONDS,
          vary: "Origin, Access-Control-Request-Headers",
        },
      });
    }
    const { outgoing } = c.env;
    if (allowed) {
      outgoing.setHeader("access-control-allow-origin", allowed);
      outgoing.setHeader("access-control-expose-headers", EXPOSE_HEADERS);
    }
    outgoing.setHeader("vary", "Origin");
    return next();
  };
}
