/** Response headers for the app's pages and files: CSP, framing, caching, isolation. */

import type { ServerConfig } from "./config";

/**
 * Scripts only from our origin (plus WebAssembly compilation for the engines); workers from our
 * origin and blob: (wllama starts its worker from a blob); network to our origin and to https
 * endpoints (direct cloud mode, web-llm model files) or a loopback gateway; no plugins; https
 * images only because the app shows an image from model output after the user clicks for it.
 */
export function contentSecurityPolicy(config: ServerConfig): string {
  const frameAncestors = ["'self'", ...config.embedOrigins].join(" ");
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");
}

export function staticHeaders(path: string, config: ServerConfig): Record<string, string> {
  const headers: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
  if (path.startsWith("/assets/")) headers["cache-control"] = "public, max-age=31536000, immutable";
  else if (path.startsWith("/models/")) {
    headers["cache-control"] = "public, max-age=86400";
    headers["access-control-allow-origin"] = "*";
    headers["cross-origin-resource-policy"] = "cross-origin";
  } else if (path === "/widget.js") {
    // The widget loader runs on other sites: loadable cross-origin, revalidated within minutes.
    headers["cache-control"] = "public, max-age=300";
    headers["access-control-allow-origin"] = "*";
    headers["cross-origin-resource-policy"] = "cross-origin";
  } else headers["cache-control"] = "no-cache";
  if (path.endsWith(".html") || path === "/" || !path.includes(".")) {
    headers["content-security-policy"] = contentSecurityPolicy(config);
  }
  if (config.crossOriginIsolation) {
    headers["cross-origin-opener-policy"] = "same-origin";
    headers["cross-origin-embedder-policy"] = "require-corp";
  }
  return headers;
}
