/**
 * The connections to the upstream Messages API: a pool of kept-alive connections (undici), so a
 * request does not pay for a new TCP (and TLS) connection, and undici's dispatch API, which hands
 * the answer over chunk by chunk to a handler (request and fetch would wrap it in a stream first).
 * The time allowed until the headers arrive is undici's; the proxy times the silences in a streamed
 * body itself (undici's body timer is only precise to about a second, and does not run while the
 * client is slow to read).
 */

import { type Dispatcher, Pool } from "undici";
import type { ServerConfig } from "./config";

export interface Upstream {
  post(body: string, headers: Record<string, string>, handler: Dispatcher.DispatchHandler): void;
  /** Closes every connection (at shutdown, once in-flight requests are done or given up). */
  close(): Promise<void>;
}

const TIMEOUTS = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT"]);

/** The upstream did not answer with headers in time (as opposed to: could not be reached). */
export const timedOut = (e: unknown): boolean => TIMEOUTS.has((e as { code?: string }).code ?? "");

export function createUpstream(config: ServerConfig): Upstream {
  const url = new URL("/v1/messages", config.upstreamURL);
  const pool = new Pool(url.origin, {
    connect: { timeout: config.upstreamTimeoutMs },
    headersTimeout: config.upstreamTimeoutMs,
    bodyTimeout: 0,
  });
  return {
    post: (body, headers, handler) => {
      pool.dispatch({ method: "POST", path: url.pathname, headers, body }, handler);
    },
    close: () => pool.destroy(),
  };
}
