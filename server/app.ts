/** The server's routes: health, the cloud proxy, and the built app as static files. */

import { getConnInfo } from "@hono/node-server/conninfo";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { compress } from "hono/compress";
import { clientAddress } from "./client-address";
import type { ServerConfig } from "./config";
import { cloudCors } from "./cors";
import { anthropicError } from "./errors";
import { staticHeaders } from "./headers";
import { hostAllowlist } from "./host";
import { InMemoryLimitStore, type LimitStore, LimitStoreUnavailable } from "./limits";
import { jsonLogger, type Logger, scrubbingLogger } from "./log";
import { messagesProxy, type NodeContext, type NodeEnv } from "./proxy";
import { RedisConnection } from "./redis-connection";
import { RedisLimitStore } from "./redis-limits";
import { createUpstream } from "./upstream";

export interface AppDeps {
  limits?: LimitStore;
  log?: Logger;
  now?: () => number;
}

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
  const clientOf = (c: NodeContext): string =>
    clientAddress(c.req.header("x-forwarded-for"), getConnInfo(c).remote.address, trustedProxies);
  const isOurHost = hostAllowlist(config);

  const app = new Hono<NodeEnv>();
  app.onError((e) => {
    // Fail closed; the store logs the outage once, so each refusal is not logged again.
    if (e instanceof LimitStoreUnavailable)
      return anthropicError(
        503,
        "api_error",
        "This server cannot check its usage limits right now (its limits store does not answer), so it refuses cloud requests until the store is back. Try again in a few seconds.",
        { "retry-after": "5" },
      );
    log.error("unhandled error", { error: String(e) });
    return anthropicError(500, "api_error", "The server failed on this request.");
  });
  app.get("/healthz", (c) =>
    c.json({
      status: "ok",
      cloudConfigured: Boolean(config.apiKey),
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  );

  app.use("/api/*", async (c, next) => {
    const host = c.req.header("host");
    if (isOurHost(host)) return next();
    return anthropicError(
      421,
      "invalid_request_error",
      `This server does not answer for the host ${host ?? "(none)"}; list it in TANDEM_PUBLIC_ORIGIN if it is this server's name.`,
    );
  });
  app.use(
    "/api/cloud/*",
    cloudCors((origin) => config.allowedOrigins.includes(origin) || config.publicOrigins.includes(origin)),
  );
  app.get("/api/cloud/status", (c) =>
    c.json({ configured: Boolean(config.apiKey), models: config.models, maxTokensCap: config.maxTokensCap }),
  );
  app.post(
    "/api/cloud/v1/messages",
    messagesProxy({
      config,
      limits,
      log,
      upstream,
      clientOf,
      inFlight,
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  app.all("/api/*", () => anthropicError(404, "not_found_error", "No such API route on this server."));

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
  return { app, inFlight, limits, upstream };
}
