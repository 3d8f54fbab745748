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
import { type CatalogueEntry, catalogue, type HiddenEntry } from "../core/models";
import type { Settings } from "./settings";

export type ModelStatus =
  | { state: "probing" }
  | { state: "idle" }
  | { state: "loading"; entry: CatalogueEntry; progress?: LoadProgress; startedAt: number }
  | {
      state: "ready";
      entry: CatalogueEntry;
      info: EngineInfo;
      warning?: string;
      /** A later load that failed while this model kept answering. */
      failed?: string;
    }
  | { state: "error"; entry: CatalogueEntry; message: string };

export function useLocalModel(settings: Settings) {
  const [caps, setCaps] = useState<DeviceCapabilities>();
  const [choice, setChoice] = useState<EngineChoice>();
  const [entries, setEntries] = useState<CatalogueEntry[]>([]);
  const [hidden, setHidden] = useState<HiddenEntry[]>([]);
  const [status, setStatus] = useState<ModelStatus>({ state: "probing" });
  const engine = useRef<{ backend: string; engine: LocalEngine }>(undefined);
  const loading = useRef<AbortController>(undefined);
  const lastGood = useRef<CatalogueEntry>(undefined);

  useEffect(() => {
    let live = true;
    void (async () => {
      const c = await probeCapabilities();
      const ch = chooseEngine(c, settings.engine);
      const list = await catalogue(ch, document.baseURI, c);
      if (!live) return;
      setCaps(c);
      setChoice(ch);
      setEntries(list.entries);
      setHidden(list.hidden);
      setStatus({ state: "idle" });
    })();
    return () => {
      live = false;
    };
  }, [settings.engine]);

  /** Loads `entry` into the engine for its backend (switching engines when needed). */
  const loadInto = useCallback(async (entry: CatalogueEntry, signal: AbortSignal, startedAt: number) => {
    const backend = entry.spec.kind === "gguf" ? "wllama" : "webllm";
    if (engine.current?.backend !== backend) {
      await engine.current?.engine.unload();
      engine.current = { backend, engine: await createEngine(backend, { wllamaWasmUrl }) };
    }
    const e = engine.current.engine;
    const info = await e.load(
      entry.spec,
      (progress) => setStatus({ state: "loading", entry, progress, startedAt }),
      signal,
    );
    return { info, warning: (e as { cacheWarning?: string }).cacheWarning };
  }, []);

  const load = useCallback(
    async (entry: CatalogueEntry) => {
      loading.current?.abort();
      const controller = new AbortController();
      loading.current = controller;
      const startedAt = performance.now();
      setStatus({ state: "loading", entry, startedAt });
      try {
        const { info, warning } = await loadInto(entry, controller.signal, startedAt);
        lastGood.current = entry;
        setStatus({ state: "ready", entry, info, ...(warning ? { warning } : {}) });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const previous = lastGood.current;
        if (previous && previous.spec.id !== entry.spec.id) {
          // Keep the last good model answering: still loaded when the new one failed before replacing
          // it, otherwise loaded again (from the browser's cache).
          const failed = `Could not load ${entry.spec.label}: ${message} Still using ${previous.spec.label}.`;
          const current = engine.current?.engine.info;
          try {
            const info =
              current?.modelId === previous.spec.id
                ? current
                : (await loadInto(previous, new AbortController().signal, performance.now())).info;
            setStatus({ state: "ready", entry: previous, info, failed });
            return;
          } catch {
            // The last good model cannot come back either: say what failed.
          }
        }
        setStatus({ state: "error", entry, message });
      }
    },
    [loadInto],
  );

  const cancel = useCallback(() => loading.current?.abort(), []);

  return { caps, choice, entries, hidden, status, load, cancel, engine: () => engine.current?.engine };
}
