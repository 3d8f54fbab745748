import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { CloudClient, loadCloudSdk } from "../core/cloud";
import { InMemoryRouteHistory, ROUTE_HISTORY_KEEP } from "../core/cloud-budget";
import { type CatalogueEntry, customGgufEntry, PROMPTED_ESCALATION_INSTRUCTION } from "../core/models";
import { Router, type RoutingPolicy } from "../core/router";
import type { ChatStore } from "../core/store";
import type { TurnContext } from "./chat/use-chat";
import { useChat } from "./chat/use-chat";
import { useConsentPrompt } from "./chat/use-consent-prompt";
import { useConversations } from "./chat/use-conversations";
import { useStore } from "./chat/use-store";
import { Composer } from "./components/Composer";
import { ConversationList } from "./components/ConversationList";
import { DataPanel } from "./components/DataPanel";
import { ModelManager } from "./components/ModelManager";
import { ModelStatusLine } from "./components/ModelStatusLine";
import { Panel } from "./components/Panel";
import { SettingsPanel } from "./components/SettingsPanel";
import { TurnList, useTurnActions } from "./components/TurnList";
import { UpdatePrompt } from "./components/UpdatePrompt";
import { Welcome } from "./components/Welcome";
import { preloadMarkdown } from "./markdown/AnswerText";
import { useServerCloud } from "./server-cloud";
import { cloudConfigOf, loadSettings, type Settings, saveSettings } from "./settings";
import { StatsPanel } from "./stats/StatsPanel";
import { useLocalModel } from "./use-local-model";
import { useStableActions } from "./use-stable-actions";

type PanelName = "models" | "settings" | "stats" | "data";
const PANEL_TITLES: Record<PanelName, string> = {
  models: "Models",
  settings: "Settings",
  stats: "Statistics",
  data: "Export and import",
};

/** The cloud budget counts turns across reloads: seed it from the stored routing statistics. */
function useRouteHistory(store: ChatStore | undefined) {
  const history = useRef(new InMemoryRouteHistory());
  useEffect(() => {
    if (!store) return;
    void store.recentRoutes(ROUTE_HISTORY_KEEP).then((routes) => {
      const fresh = new InMemoryRouteHistory();
      for (const r of routes) fresh.add(r.route === "cloud" ? "cloud" : "local");
      history.current = fresh;
    });
  }, [store]);
  return history;
}

export function App() {
  const storeState = useStore();
  const store = storeState.state === "ready" ? storeState.store : undefined;
  const [settings, setSettings] = useState<Settings>(loadSettings);
  const model = useLocalModel(settings);
  const conversations = useConversations(store);
  const chat = useChat(store, conversations.currentId);
  const history = useRouteHistory(store);
  const consentPrompt = useConsentPrompt();
  const [panel, setPanel] = useState<PanelName>();
  const [sidebarOpen, setSidebarOpen] = useState(false);

  const updateSettings = (s: Settings) => {
    setSettings(s);
    saveSettings(s);
  };

  const serverCloud = useServerCloud();
  const { cloud, cloudError } = useMemo((): { cloud?: CloudClient; cloudError?: string } => {
    const config = cloudConfigOf(
      settings,
      serverCloud.state === "available" ? serverCloud.baseURL : undefined,
    );
    if (!config) return {};
    try {
      return { cloud: new CloudClient(config) };
    } catch (e) {
      return { cloudError: e instanceof Error ? e.message : String(e) };
    }
  }, [settings, serverCloud]);
  useEffect(() => {
    if (cloud && !settings.privacy) void loadCloudSdk();
  }, [cloud, settings.privacy]);
  useEffect(preloadMarkdown, []);

  // Load the chosen model once the device has been probed (the bundled demo needs no network).
  const { entries, load, status } = model;
  useEffect(() => {
    if (status.state !== "idle") return;
    const entry = entries.find((e) => e.spec.id === settings.modelId) ?? entries[0];
    if (entry) void load(entry);
  }, [entries, status.state, settings.modelId, load]);

  const ready = status.state === "ready";
  const system = useMemo(() => {
    const prompted = ready && status.entry.promptedEscalation && status.info.offloadTokenId === undefined;
    const extra = prompted ? PROMPTED_ESCALATION_INSTRUCTION : "";
    return [settings.systemPrompt, extra].filter(Boolean).join("\n\n");
  }, [settings.systemPrompt, ready, status]);

  const context = useCallback((): TurnContext | undefined => {
    const engine = model.engine();
    if (!engine) return undefined;
    const policy: RoutingPolicy = {
      mode: settings.routing,
      privacy: settings.privacy,
      sendDraft: settings.sendDraft,
      temperature: settings.temperature,
      budget: { maxCloudShare: settings.budgetShare, windowTurns: settings.budgetWindow },
      isOnline: () => navigator.onLine,
      ...(settings.consent ? { consent: consentPrompt.ask } : {}),
    };
    return {
      router: new Router({ engine, cloud: () => cloud, history: history.current }),
      system,
      policy,
      cloudModel: settings.cloud.model,
    };
  }, [model, settings, cloud, system, history, consentPrompt.ask]);

  const withContext = (f: (ctx: TurnContext) => unknown) => {
    const ctx = context();
    if (ctx && !chat.running) void f(ctx);
  };

  // The store's notice puts a new conversation in the list.
  const send = (text: string) => withContext((ctx) => chat.send(text, ctx, conversations.open));

  /** A GGUF file, or a `tandem-model.json` written next to an MLC export (web-llm, WebGPU only). */
  const loadUrl = async (url: string) => {
    const href = new URL(url, document.baseURI).href;
    if (!new URL(href).pathname.endsWith(".json")) {
      void model.load(customGgufEntry(href, document.baseURI));
      return;
    }
    const { fetchTandemModel } = await import("../core/tandem-model-file");
    const entry = await fetchTandemModel(href);
    if (model.choice?.backend !== "webllm")
      throw new Error(
        `${entry.spec.label} runs on WebGPU (web-llm), which this browser does not offer. Export the model as GGUF to run it on the CPU.`,
      );
    void model.load(entry);
  };

  const loadEntry = (entry: CatalogueEntry) => {
    updateSettings({ ...settings, modelId: entry.spec.id });
    void model.load(entry);
  };

  // Stable across renders, so that an answer's tokens render its turn and not the whole page.
  const turnActions = useTurnActions(chat, withContext);
  const { onSend } = useStableActions({ onSend: send });
  const listActions = useStableActions({
    onNew: () => {
      conversations.open(undefined);
      setSidebarOpen(false);
    },
    onOpen: (id: string) => {
      conversations.open(id);
      setSidebarOpen(false);
    },
    onRename: (id: string, title: string) => void conversations.rename(id, title),
    onDelete: (id: string) => void conversations.remove(id),
  });

  const busy = chat.running || !ready;
  return (
    <div className={`layout${sidebarOpen ? " sidebar-open" : ""}`}>
      <aside className="sidebar">
        <ConversationList
          conversations={conversations.conversations}
          currentId={conversations.currentId}
          query={conversations.query}
          hold={chat.starting}
          onQuery={conversations.setQuery}
          {...listActions}
        />
      </aside>
      <main className="app">
        <header className="topbar">
          <button
            type="button"
            className="icon menu"
            aria-label="Conversations"
            aria-expanded={sidebarOpen}
            onClick={() => setSidebarOpen((o) => !o)}
          >
            ☰
          </button>
          <h1>Tandem</h1>
          <nav className="panels" aria-label="Panels">
            {(Object.keys(PANEL_TITLES) as PanelName[]).map((p) => (
              <button key={p} type="button" onClick={() => setPanel(p)}>
                {PANEL_TITLES[p]}
              </button>
            ))}
          </nav>
        </header>
        <UpdatePrompt />
        <ModelStatusLine status={status} />
        <p className="cloud-status" data-testid="cloud-status">
          {settings.privacy
            ? "Privacy mode: nothing leaves this device."
            : cloud
              ? `Cloud: ${cloud.config.model} via ${cloud.config.mode === "proxy" ? "server" : "your key"}`
              : (cloudError ??
                `No cloud configured (${serverCloud.state === "unavailable" ? serverCloud.why : "checking the server"}): everything is answered on this device.`)}
        </p>
        {storeState.state === "error" && (
          <p className="error" role="alert" data-testid="store-error">
            {storeState.message} Conversations are not being saved.
          </p>
        )}
        {chat.saveError && (
          <p className="error" role="alert" data-testid="save-error">
            {chat.saveError}{" "}
            <button type="button" className="link" onClick={chat.clearSaveError}>
              Dismiss
            </button>
          </p>
        )}
        <section className="conversation" aria-live="polite" aria-label="Conversation">
          {chat.turns.length === 0 && (
            <Welcome card={status.state === "ready" ? status.info.card : undefined} onTry={onSend} />
          )}
          <TurnList turns={chat.turns} live={chat.live} busy={busy} actions={turnActions} />
        </section>
        <Composer ready={ready && !!store} running={chat.running} onSend={onSend} onStop={chat.stop} />
      </main>
      {panel && (
        <Panel title={PANEL_TITLES[panel]} onClose={() => setPanel(undefined)}>
          {panel === "models" && (
            <ModelManager
              choice={model.choice}
              entries={model.entries}
              hidden={model.hidden}
              status={model.status}
              onLoad={loadEntry}
              onCancel={model.cancel}
              onLoadUrl={loadUrl}
            />
          )}
          {panel === "settings" && <SettingsPanel settings={settings} onChange={updateSettings} />}
          {panel === "stats" && store && <StatsPanel store={store} />}
          {panel === "data" && store && <DataPanel store={store} currentId={conversations.currentId} />}
        </Panel>
      )}
      {consentPrompt.dialog}
    </div>
  );
}
