/**
 * CORS for the cloud API: pages of the allowed origins may call it from a browser and read the
 * answer. The headers go on the Node response, where Node merges them into whatever answer is
 * written: the proxy writes its answers there itself, outside Hono (Hono's cors middleware sets
 * them on Hono's response instead, and makes Hono rebuild every other answer).
 */

import type { ServerResponse } from "node:http";
import type { MiddlewareHandler } from "hono";
import type { NodeEnv } from "./app";

const ALLOW_METHODS = "GET,POST,OPTIONS";
const ALLOW_HEADERS = "content-type,anthropic-version,anthropic-beta,authorization,x-api-key,x-stainless-*";
const EXPOSE_HEADERS = "request-id,retry-after";
const MAX_AGE_SECONDS = "600";

export type OriginCheck = (origin: string) => boolean;

const allowedOrigin = (origin: string | undefined, isAllowed: OriginCheck) =>
  origin !== undefined && isAllowed(origin) ? origin : undefined;

/** The CORS headers of an answer other than a preflight's. */
export function corsHeaders(res: ServerResponse, origin: string | undefined, isAllowed: OriginCheck): void {
  const allowed = allowedOrigin(origin, isAllowed);
  if (allowed) {
    res.setHeader("access-control-allow-origin", allowed);
    res.setHeader("access-control-expose-headers", EXPOSE_HEADERS);
  }
  res.setHeader("vary", "Origin");
}

export function cloudCors(isAllowed: OriginCheck): MiddlewareHandler<NodeEnv> {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (c.req.method === "OPTIONS") {
      const allowed = allowedOrigin(origin, isAllowed);
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
    corsHeaders(c.env.outgoing, origin, isAllowed);
    return next();
  };
}
