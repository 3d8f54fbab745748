/** User settings, kept in this browser only (localStorage). */

import type { CloudConfig } from "../core/cloud";
import type { EnginePreference } from "../core/engines/capabilities";
import type { RoutingMode } from "../core/router";

export interface Settings {
  routing: RoutingMode;
  privacy: boolean;
  consent: boolean;
  sendDraft: boolean;
  budgetShare: number;
  budgetWindow: number;
  cloud: {
    mode: CloudConfig["mode"];
    /** Empty: this server's proxy, when it offers one. */
    baseURL: string;
    /** Direct mode only; stored in this browser only. */
    apiKey: string;
    model: string;
  };
  temperature: number;
  systemPrompt: string;
  engine: EnginePreference;
  modelId: string;
}

export const DEFAULT_SETTINGS: Settings = {
  routing: "auto",
  privacy: false,
  consent: false,
  sendDraft: false,
  budgetShare: 0.3,
  budgetWindow: 20,
  cloud: { mode: "proxy", baseURL: "", apiKey: "", model: "claude-haiku-4-5" },
  temperature: 0.7,
  systemPrompt: "You are a helpful assistant.",
  engine: "auto",
  modelId: "tandem-demo",
};

const KEY = "tandem.settings.v1";

export function loadSettings(storage: Storage = localStorage): Settings {
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? "{}") as Partial<Settings>;
    return { ...DEFAULT_SETTINGS, ...saved, cloud: { ...DEFAULT_SETTINGS.cloud, ...saved.cloud } };
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export function saveSettings(settings: Settings, storage: Storage = localStorage): void {
  storage.setItem(KEY, JSON.stringify(settings));
}

/** The cloud config the router uses, or undefined when none is set up. */
export function cloudConfigOf(s: Settings, serverProxy: string | undefined): CloudConfig | undefined {
  if (!s.cloud.baseURL.trim()) {
    return s.cloud.mode === "proxy" && serverProxy
      ? { mode: "proxy", baseURL: serverProxy, model: s.cloud.model }
      : undefined;
  }
  if (s.cloud.mode === "direct" && !s.cloud.apiKey.trim()) return undefined;
  return {
    mode: s.cloud.mode,
    baseURL: s.cloud.baseURL.trim(),
    model: s.cloud.model,
    ...(s.cloud.mode === "direct" ? { apiKey: s.cloud.apiKey.trim() } : {}),
  };
}
