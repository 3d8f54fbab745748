/**
 * The server's routes: health, the cloud proxy, and the built app as static files. The proxy's
 * route, the hot one, is served without Hono (its request and response objects took a tenth of the
 * proxy's CPU per request), with the same host check and CORS headers as Hono's /api routes.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { compress } from "hono/compress";
import { refuse } from "./body";
import { clientAddress } from "./client-address";
import type { ServerConfig } from "./config";
import { cloudCors, corsHeaders } from "./cors";
import { apiError, errorResponse, serverError } from "./errors";
import { header } from "./header";
import { staticHeaders } from "./headers";
import { hostAllowlist } from "./host";
import { InMemoryLimitStore, type LimitStore } from "./limits";
import { jsonLogger, type Logger, scrubbingLogger } from "./log";
import { messagesProxy } from "./proxy";
import { RedisConnection } from "./redis-connection";
import { RedisLimitStore } from "./redis-limits";
import { createUpstream } from "./upstream";

/** Requests served by @hono/node-server, which passes the Node request and response along. */
export type NodeEnv = { Bindings: HttpBindings };

export interface AppDeps {
  limits?: LimitStore;
  log?: Logger;
  now?: () => number;
}

const PROXY_PATH = "/api/cloud/v1/messages";
const isProxyRoute = (req: IncomingMessage) =>
  req.method === "POST" && (req.url === PROXY_PATH || req.url?.startsWith(`${PROXY_PATH}?`) === true);

export function createApp(config: ServerConfig, deps: AppDeps = {}) {
  const log = scrubbingLogger(deps.log ?? jsonLogger(), config.apiKey);
  const limits: LimitStore =
    deps.limits ??
    (config.redisURL
      ? new RedisLimitStore(new RedisConnection(config.redisURL, log))
      : new InMemoryLimitStore());
  const upstream = createUpstream(config);
  const inFlight = { count: 0 };
  const started = Date.now();
  const trustedProxies = config.trustedProxies || (config.trustProxy ? 1 : 0);
  const clientOf = (req: IncomingMessage): string =>
    clientAddress(header(req.headers, "x-forwarded-for"), req.socket.remoteAddress, trustedProxies);
  const isOurHost = hostAllowlist(config);

  const app = new Hono<NodeEnv>();
  app.onError((e) => {
    log.error("unhandled error", { error: String(e) });
    return errorResponse(serverError);
  });
  app.get("/healthz", (c) =>
    c.json({
      status: "ok",
      cloudConfigured: Boolean(config.apiKey),
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  );

  const notOurHost = (host: string | undefined) =>
    apiError(
      421,
      "invalid_request_error",
      `This server does not answer for the host ${host ?? "(none)"}; list it in TANDEM_PUBLIC_ORIGIN if it is this server's name.`,
    );
  app.use("/api/*", async (c, next) => {
    const host = c.req.header("host");
    if (isOurHost(host)) return next();
    return errorResponse(notOurHost(host));
  });
  const corsAllowed = (origin: string) =>
    config.allowedOrigins.includes(origin) || config.publicOrigins.includes(origin);
  app.use("/api/cloud/*", cloudCors(corsAllowed));
  app.get("/api/cloud/status", (c) =>
    c.json({ configured: Boolean(config.apiKey), models: config.models, maxTokensCap: config.maxTokensCap }),
  );
  app.all("/api/*", () =>
    errorResponse(apiError(404, "not_found_error", "No such API route on this server.")),
  );

  app.use("*", compress());
  app.use(
    "*",
    serveStatic({
      root: config.publicDir,
      onFound: (path, c) => {
        for (const [k, v] of Object.entries(staticHeaders(new URL(c.req.url).pathname, config)))
          c.header(k, v);
        if (path.endsWith(".gguf")) c.header("content-type", "application/octet-stream");
      },
    }),
  );
  app.notFound((c) => c.text("Not found", 404));
  const proxy = messagesProxy({
    config,
    limits,
    log,
    upstream,
    clientOf,
    inFlight,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const hono = getRequestListener(app.fetch, { hostname: config.host });
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (!isProxyRoute(req)) {
      void hono(req, res);
      return;
    }
    const { host } = req.headers;
    if (!isOurHost(host)) {
      refuse(req, res, notOurHost(host));
      return;
    }
    corsHeaders(res, header(req.headers, "origin"), corsAllowed);
    void proxy(req, res);
  };
  return { listener, inFlight, limits, upstream };
}
