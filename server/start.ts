/** Starts the HTTP server with the timeouts that protect it from slow or stalled clients. */

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type AppDeps, createApp } from "./app";
import type { ServerConfig } from "./config";

export interface RunningServer {
  url: string;
  server: Server;
  inFlight: { count: number };
  /** Stops accepting connections and waits for in-flight streams (up to the grace period). */
  shutdown: () => Promise<void>;
}

export async function startServer(config: ServerConfig, deps: AppDeps = {}): Promise<RunningServer> {
  const { listener, inFlight, limits, upstream } = createApp(config, deps);
  // Redis: wait (bounded) for the connection, so the first requests are not refused needlessly.
  await limits.ready?.();
  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.requestTimeoutMs, 20_000),
      // Node checks those limits on this interval (30 s by default).
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
    },
    listener,
  );
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const shutdown = async () => {
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + config.shutdownGraceMs;
    while (inFlight.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    server.closeAllConnections();
    await upstream.close();
    await limits.close?.();
  };
  return { url: `http://${config.host}:${port}`, server, inFlight, shutdown };
}
