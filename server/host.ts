/**
 * The Host header allowlist, against DNS rebinding: a page on evil.example whose name is made to
 * resolve to this server is same-origin with itself, and the browser sends `Host: evil.example`.
 * So "same origin" checks are only meaningful for hosts that are this server's names.
 */

import { isIP } from "node:net";
import type { ServerConfig } from "./config";

/** Bound to one of these, the server is reachable on loopback, so also as localhost. */
const LOOPBACK_OR_ANY = ["localhost", "127.0.0.1", "::1", "0.0.0.0", "::"];

/** The name in a Host header that holds nothing but a name and maybe a port (as @hono/node-server checks). */
function hostnameOf(host: string): string | undefined {
  try {
    const { hostname } = new URL(`http://${host}`);
    // A URL parser would also find a user, a path or a query in it, and a name in other notations.
    if (hostname !== host.replace(/:\d+$/, "").toLowerCase()) return undefined;
    return hostname.replace(/\.$/, "");
  } catch {
    return undefined;
  }
}

/** Returns a check of a Host header value (name and port; only the name matters for rebinding). */
export function hostAllowlist(config: ServerConfig): (host: string | undefined) => boolean {
  const allowed = new Set(config.publicOrigins.map((o) => new URL(o).hostname));
  if (isIP(config.host) === 0) allowed.add(config.host.toLowerCase());
  if (LOOPBACK_OR_ANY.includes(config.host)) allowed.add("localhost");
  return (host) => {
    const name = host === undefined ? undefined : hostnameOf(host);
    if (!name) return false;
    // A browser sends an IP literal as Host only for a page whose origin is that IP: never a rebinding.
    return allowed.has(name) || isIP(name.replace(/^\[|\]$/g, "")) !== 0;
  };
}
