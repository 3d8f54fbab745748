/**
 * The widget's conversation store: its own database (widget chats stay out of the app's list).
 * Browsers block or partition storage in cross-site frames; where IndexedDB is refused the
 * widget keeps this page visit's chat in an in-memory IndexedDB and says so.
 */

import { useEffect, useState } from "react";
import { modelCaches } from "../core/engines/cache-storage";
import { ChatStore } from "../core/store";

export type WidgetStore =
  | { state: "opening" }
  | { state: "ready"; store: ChatStore; persistent: boolean }
  | { state: "error"; message: string };

const NAME = "tandem-widget";

const IDB_GLOBALS = [
  "indexedDB",
  "IDBKeyRange",
  "IDBRequest",
  "IDBOpenDBRequest",
  "IDBDatabase",
  "IDBTransaction",
  "IDBObjectStore",
  "IDBIndex",
  "IDBCursor",
  "IDBCursorWithValue",
] as const;

function indexedDbUsable(): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const probe = indexedDB.open(`${NAME}-probe`);
      probe.onsuccess = () => {
        probe.result.close();
        indexedDB.deleteDatabase(`${NAME}-probe`);
        resolve(true);
      };
      probe.onerror = () => resolve(false);
    } catch {
      resolve(false);
    }
  });
}

async function openStore(): Promise<{ store: ChatStore; persistent: boolean }> {
  if (await indexedDbUsable()) return { store: await ChatStore.open({ name: NAME }), persistent: true };
  // idb uses the global factory and checks results against the global IDB* classes: shadow them
  // all in this frame, before idb first runs, with an in-memory implementation.
  const memory: Record<string, unknown> = await import("fake-indexeddb");
  for (const name of IDB_GLOBALS)
    Object.defineProperty(window, name, { value: memory[name], configurable: true });
  // Web Locks are refused too; they only mark answers a closed tab left unfinished in a stored
  // conversation, which a memory store never has.
  Object.defineProperty(navigator, "locks", { value: undefined, configurable: true });
  return { store: await ChatStore.open({ name: NAME }), persistent: false };
}

export function useWidgetStore(): WidgetStore {
  const [state, setState] = useState<WidgetStore>({ state: "opening" });
  useEffect(() => {
    let live = true;
    let opened: ChatStore | undefined;
    openStore()
      .then(({ store, persistent }) => {
        opened = store;
        if (live) setState({ state: "ready", store, persistent });
        else store.close();
      })
      .catch((e: unknown) => live && setState({ state: "error", message: String(e) }));
    return () => {
      live = false;
      opened?.close();
    };
  }, []);
  return state;
}

/** Whether this frame may use Cache Storage (where the engines keep model files). */
export async function modelCacheUsable(): Promise<boolean> {
  const storage = modelCaches();
  if (!storage) return false;
  try {
    await storage.keys();
    return true;
  } catch {
    return false;
  }
}
