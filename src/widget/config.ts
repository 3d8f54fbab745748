/**
 * Widget configuration, carried in the iframe URL's query string. The loader writes it from the
 * host's attributes at mount; the iframe reads and validates it once. Nothing received later by
 * postMessage can change it. There is deliberately no key, cloud URL or cloud model here: the
 * widget's cloud is always this server's proxy.
 */

import type { RoutingMode } from "../core/router";

export type HostSend = "prefill" | "auto";

export interface WidgetConfig {
  /** The page allowed to talk to this widget (exact origin). */
  host: string;
  model: string;
  systemPrompt?: string;
  greeting?: string;
  theme: "light" | "dark" | "auto";
  /** A CSS colour for --accent. */
  accent?: string;
  routing: RoutingMode;
  /** Ask the user before anything leaves the device (default on). */
  consent: boolean;
  /** What a host `send` does: fill the composer (the user presses Send) or send at once. */
  hostSend: HostSend;
}

/** Attribute / query names, shared with the loader. */
export const CONFIG_KEYS = [
  "model",
  "system-prompt",
  "greeting",
  "theme",
  "accent",
  "routing",
  "consent",
  "host-send",
] as const;

const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

const short = (value: string | null, max: number) => (value ? value.slice(0, max) : undefined);

export function readConfig(params: URLSearchParams): WidgetConfig | { error: string } {
  const host = params.get("host") ?? "";
  let origin: string;
  try {
    origin = new URL(host).origin;
  } catch {
    return { error: "This widget was opened without its host page's origin." };
  }
  if (origin !== host) return { error: "This widget's host origin is malformed." };
  const accent = params.get("accent");
  const systemPrompt = short(params.get("system-prompt"), 2000);
  const greeting = short(params.get("greeting"), 500);
  return {
    host,
    model: short(params.get("model"), 200) ?? "tandem-demo",
    ...(systemPrompt ? { systemPrompt } : {}),
    ...(greeting ? { greeting } : {}),
    theme: oneOf(params.get("theme"), ["light", "dark", "auto"], "auto"),
    ...(accent && /^(#[0-9a-f]{3,8}|[a-z]{3,20})$/i.test(accent) ? { accent } : {}),
    routing: oneOf(params.get("routing"), ["auto", "local", "cloud"], "auto"),
    consent: params.get("consent") !== "off",
    hostSend: oneOf(params.get("host-send"), ["prefill", "auto"], "prefill"),
  };
}
