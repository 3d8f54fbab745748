/** Probes the device, picks the engine and loads the chosen model, with progress and cancel. */

import wllamaWasmUrl from "@wllama/wllama/esm/wasm/wllama.wasm?url";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  chooseEngine,
  type DeviceCapabilities,
  type EngineChoice,
  probeCapabilities,
} from "../core/engines/capabilities";
import { createEngine } from "../core/engines/create-engine";
import type { EngineInfo, LoadProgress, LocalEngine } from "../core/engines/types";
import { type CatalogueEntry, catalogue } from "../core/models";
import type { Settings } from "./settings";

export type ModelStatus =
  | { state: "probing" }
  | { state: "idle" }
  | { state: "loading"; entry: CatalogueEntry; progress?: LoadProgress; startedAt: number }
  | { state: "ready"; entry: CatalogueEntry; info: EngineInfo; warning?: string }
  | { state: "error"; entry: CatalogueEntry; message: string };

export function useLocalModel(settings: Settings) {
  const [caps, setCaps] = useState<DeviceCapabilities>();
  const [choice, setChoice] = useState<EngineChoice>();
  const [entries, setEntries] = useState<CatalogueEntry[]>([]);
  const [status, setStatus] = useState<ModelStatus>({ state: "probing" });
  const engine = useRef<{ backend: string; engine: LocalEngine }>(undefined);
  const loading = useRef<AbortController>(undefined);

  useEffect(() => {
    let live = true;
    void (async () => {
      const c = await probeCapabilities();
      const ch = chooseEngine(c, settings.engine);
      const list = await catalogue(ch, document.baseURI);
      if (!live) return;
      setCaps(c);
      setChoice(ch);
      setEntries(list);
      setStatus({ state: "idle" });
    })();
    return () => {
      live = false;
    };
  }, [settings.engine]);

  const load = useCallback(async (entry: CatalogueEntry) => {
    loading.current?.abort();
    const controller = new AbortController();
    loading.current = controller;
    const backend = entry.spec.kind === "gguf" ? "wllama" : "webllm";
    if (engine.current?.backend !== backend) {
      await engine.current?.engine.unload();
      engine.current = { backend, engine: await createEngine(backend, { wllamaWasmUrl }) };
    }
    const e = engine.current.engine;
    const startedAt = performance.now();
    setStatus({ state: "loading", entry, startedAt });
    try {
      const info = await e.load(
        entry.spec,
        (progress) => setStatus({ state: "loading", entry, progress, startedAt }),
        controller.signal,
      );
      const warning = (e as { cacheWarning?: string }).cacheWarning;
      setStatus({ state: "ready", entry, info, ...(warning ? { warning } : {}) });
    } catch (err) {
      setStatus({ state: "error", entry, message: err instanceof Error ? err.message : String(err) });
    }
  }, []);

  const cancel = useCallback(() => loading.current?.abort(), []);

  return { caps, choice, entries, status, load, cancel, engine: () => engine.current?.engine };
}
