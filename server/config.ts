/**
 * Server configuration from the environment and an optional JSON file (TANDEM_CONFIG), validated
 * at start: a bad value stops the server with a message naming the setting.
 */

import { readFileSync } from "node:fs";

/** Messages API features that are off unless the operator enables them (see messages-request.ts). */
export const FEATURES = ["tools", "thinking", "mcp_servers"] as const;
export type Feature = (typeof FEATURES)[number];

export interface ServerConfig {
  host: string;
  port: number;
  /** Folder of the built app (index.html, assets/, models/). */
  publicDir: string;
  /** Upstream key; absent = the cloud is not configured and the app runs locally. */
  apiKey?: string;
  /** Anthropic or any compatible endpoint. */
  upstreamURL: string;
  /** Origins allowed to call the proxy (the server's own origin is always allowed). */
  allowedOrigins: string[];
  /** The origins this server is reached at; their hosts are allowed in the Host header. */
  publicOrigins: string[];
  /** Origins allowed to frame the app (the widget); "'self'" is always allowed. */
  embedOrigins: string[];
  /** When non-empty, proxy callers must present one of these tokens. */
  siteTokens: string[];
  requestsPerMinute: number;
  dailyTokenBudget: number;
  maxBodyBytes: number;
  models: string[];
  maxTokensCap: number;
  maxMessages: number;
  /** Until the upstream answers with headers. */
  upstreamTimeoutMs: number;
  /** Longest silence allowed while a stream flows. */
  streamIdleTimeoutMs: number;
  /** Client must send its request within this. */
  requestTimeoutMs: number;
  shutdownGraceMs: number;
  logBodies: boolean;
  crossOriginIsolation: boolean;
  /** Same as trustedProxies = 1 (kept for existing deployments). */
  trustProxy: boolean;
  /** Proxies in front of this server that append to X-Forwarded-For; 0 = use the socket address. */
  trustedProxies: number;
  enabledFeatures: Feature[];
  /** anthropic-beta names clients may send upstream. */
  allowedBetas: string[];
  /** Redis shared by several instances for the limits; absent = each instance counts in memory. */
  redisURL?: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Source = Record<string, unknown>;

/** Settings with no default: absent unless set. */
const OPTIONAL = ["apiKey", "redisURL"] as const;
type Optional = (typeof OPTIONAL)[number];

const DEFAULTS: Omit<ServerConfig, Optional> = {
  host: "127.0.0.1",
  port: 4173,
  publicDir: "dist",
  upstreamURL: "https://api.anthropic.com",
  allowedOrigins: [],
  publicOrigins: [],
  embedOrigins: [],
  siteTokens: [],
  requestsPerMinute: 30,
  dailyTokenBudget: 200_000,
  maxBodyBytes: 256 * 1024,
  models: ["claude-haiku-4-5", "claude-sonnet-4-5"],
  maxTokensCap: 4096,
  maxMessages: 200,
  upstreamTimeoutMs: 60_000,
  streamIdleTimeoutMs: 30_000,
  requestTimeoutMs: 30_000,
  shutdownGraceMs: 30_000,
  logBodies: false,
  crossOriginIsolation: false,
  trustProxy: false,
  trustedProxies: 0,
  enabledFeatures: [],
  allowedBetas: [],
};

const ENV_NAMES: Record<keyof ServerConfig, string> = {
  host: "HOST",
  port: "PORT",
  publicDir: "TANDEM_PUBLIC_DIR",
  apiKey: "ANTHROPIC_API_KEY",
  upstreamURL: "ANTHROPIC_BASE_URL",
  allowedOrigins: "TANDEM_ALLOWED_ORIGINS",
  publicOrigins: "TANDEM_PUBLIC_ORIGIN",
  embedOrigins: "TANDEM_EMBED_ORIGINS",
  siteTokens: "TANDEM_SITE_TOKENS",
  requestsPerMinute: "TANDEM_REQUESTS_PER_MINUTE",
  dailyTokenBudget: "TANDEM_DAILY_TOKEN_BUDGET",
  maxBodyBytes: "TANDEM_MAX_BODY_BYTES",
  models: "TANDEM_MODELS",
  maxTokensCap: "TANDEM_MAX_TOKENS_CAP",
  maxMessages: "TANDEM_MAX_MESSAGES",
  upstreamTimeoutMs: "TANDEM_UPSTREAM_TIMEOUT_MS",
  streamIdleTimeoutMs: "TANDEM_STREAM_IDLE_TIMEOUT_MS",
  requestTimeoutMs: "TANDEM_REQUEST_TIMEOUT_MS",
  shutdownGraceMs: "TANDEM_SHUTDOWN_GRACE_MS",
  logBodies: "TANDEM_LOG_BODIES",
  crossOriginIsolation: "TANDEM_CROSS_ORIGIN_ISOLATION",
  trustProxy: "TANDEM_TRUST_PROXY",
  trustedProxies: "TANDEM_TRUSTED_PROXIES",
  enabledFeatures: "TANDEM_ENABLE_FEATURES",
  allowedBetas: "TANDEM_ALLOWED_BETAS",
  redisURL: "TANDEM_REDIS_URL",
};

function parseValue(key: keyof ServerConfig, raw: unknown): unknown {
  const name = ENV_NAMES[key];
  const fallback = (OPTIONAL as readonly string[]).includes(key)
    ? undefined
    : DEFAULTS[key as keyof typeof DEFAULTS];
  if (raw === undefined || raw === "") return fallback;
  if (Array.isArray(fallback)) {
    const list = Array.isArray(raw) ? raw.map(String) : String(raw).split(",");
    return list.map((s) => s.trim()).filter(Boolean);
  }
  if (typeof fallback === "number") {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0)
      throw new ConfigError(`${name} must be a non-negative number (got "${raw}").`);
    return n;
  }
  if (typeof fallback === "boolean") {
    if (typeof raw === "boolean") return raw;
    if (/^(1|true|yes|on)$/i.test(String(raw))) return true;
    if (/^(0|false|no|off)$/i.test(String(raw))) return false;
    throw new ConfigError(`${name} must be true or false (got "${raw}").`);
  }
  return String(raw);
}

function checkOrigin(name: string, origin: string): void {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new ConfigError(`${name}: "${origin}" is not an origin like https://example.com.`);
  }
  if (url.origin !== origin)
    throw new ConfigError(`${name}: "${origin}" must be a bare origin (no path), e.g. ${url.origin}.`);
}

function isRedisURL(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "redis:" || u.protocol === "rediss:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** Environment variables win over the file; the file wins over defaults. */
export function loadConfig(env: Source = process.env): ServerConfig {
  let file: Source = {};
  const path = env.TANDEM_CONFIG;
  if (typeof path === "string" && path) {
    try {
      file = JSON.parse(readFileSync(path, "utf8")) as Source;
    } catch (e) {
      throw new ConfigError(`TANDEM_CONFIG: cannot read ${path}: ${(e as Error).message}`);
    }
  }
  const config: Record<string, unknown> = {};
  for (const key of Object.keys(ENV_NAMES) as Array<keyof ServerConfig>) {
    config[key] = parseValue(key, env[ENV_NAMES[key]] ?? file[key]);
  }
  const c = config as unknown as ServerConfig;
  if (!Number.isInteger(c.port) || c.port > 65535)
    throw new ConfigError(`PORT must be an integer up to 65535 (got ${c.port}).`);
  try {
    new URL(c.upstreamURL);
  } catch {
    throw new ConfigError(`ANTHROPIC_BASE_URL must be a URL (got "${c.upstreamURL}").`);
  }
  for (const o of c.allowedOrigins) checkOrigin(ENV_NAMES.allowedOrigins, o);
  for (const o of c.publicOrigins) checkOrigin(ENV_NAMES.publicOrigins, o);
  for (const o of c.embedOrigins) checkOrigin(ENV_NAMES.embedOrigins, o);
  if (c.redisURL !== undefined && !isRedisURL(c.redisURL))
    throw new ConfigError("TANDEM_REDIS_URL must be a URL like redis://host:6379 or rediss://host:6380.");
  if (c.models.length === 0) throw new ConfigError("TANDEM_MODELS must list at least one model.");
  if (c.requestsPerMinute === 0) throw new ConfigError("TANDEM_REQUESTS_PER_MINUTE must be at least 1.");
  if (!Number.isInteger(c.trustedProxies))
    throw new ConfigError(`TANDEM_TRUSTED_PROXIES must be a whole number (got ${c.trustedProxies}).`);
  const unknown = c.enabledFeatures.find((f) => !FEATURES.includes(f));
  if (unknown)
    throw new ConfigError(`TANDEM_ENABLE_FEATURES: "${unknown}" is not one of ${FEATURES.join(", ")}.`);
  return c;
}
