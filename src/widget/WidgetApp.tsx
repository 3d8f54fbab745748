/**
 * The widget's page inside the iframe: the app's chat (router, store, engine, components) with one
 * conversation per visit and no settings UI. Its configuration comes only from the iframe URL.
 * A host `send` fills a suggestion the user must accept, unless the widget was mounted with
 * host-send="auto"; even then, a host-sent turn always asks the user before using the cloud.
 */

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { TurnContext } from "../app/chat/use-chat";
import { useChat } from "../app/chat/use-chat";
import { useConsentPrompt } from "../app/chat/use-consent-prompt";
import { Composer } from "../app/components/Composer";
import { ModelStatusLine } from "../app/components/ModelStatusLine";
import { TurnList, useTurnActions } from "../app/components/TurnList";
import { useServerCloud } from "../app/server-cloud";
import { cloudConfigOf, DEFAULT_SETTINGS, type Settings } from "../app/settings";
import { useLocalModel } from "../app/use-local-model";
import { useStableActions } from "../app/use-stable-actions";
import { CloudClient } from "../core/cloud";
import { InMemoryRouteHistory } from "../core/cloud-budget";
import { canShareModelCache, shareModelCacheAcrossSites } from "../core/engines/cache-storage";
import { PROMPTED_ESCALATION_INSTRUCTION } from "../core/models";
import { Router, type RoutingPolicy } from "../core/router";
import type { WidgetConfig } from "./config";
import type { HostMessage } from "./protocol";
import { useHost } from "./use-host";
import { useTurnEvents } from "./use-turn-events";
import { modelCacheUsable, useWidgetStore } from "./use-widget-store";

function settingsOf(config: WidgetConfig): Settings {
  return {
    ...DEFAULT_SETTINGS,
    routing: config.routing,
    consent: config.consent,
    systemPrompt: config.systemPrompt ?? DEFAULT_SETTINGS.systemPrompt,
    modelId: config.model,
    cloud: { mode: "proxy", baseURL: "", apiKey: "", model: DEFAULT_SETTINGS.cloud.model },
  };
}

export function WidgetApp({ config }: { config: WidgetConfig }) {
  const settings = useMemo(() => settingsOf(config), [config]);
  const storeState = useWidgetStore();
  const store = storeState.state === "ready" ? storeState.store : undefined;
  const model = useLocalModel(settings);
  const [conversationId, setConversationId] = useState<string>();
  const chat = useChat(store, conversationId);
  const history = useRef(new InMemoryRouteHistory());
  const consentPrompt = useConsentPrompt();
  const [suggestion, setSuggestion] = useState<string>();
  const [cacheUsable, setCacheUsable] = useState<boolean>();
  const serverCloud = useServerCloud();

  const [sharedCache, setSharedCache] = useState<"offer" | "shared" | { refused: string }>();
  useEffect(() => void modelCacheUsable().then(setCacheUsable), []);
  useEffect(() => setSharedCache(canShareModelCache() ? "offer" : undefined), []);

  const cloud = useMemo(() => {
    const c = cloudConfigOf(settings, serverCloud.state === "available" ? serverCloud.baseURL : undefined);
    return c ? new CloudClient(c) : undefined;
  }, [settings, serverCloud]);

  const { entries, load, status } = model;
  useEffect(() => {
    if (status.state !== "idle") return;
    const entry = entries.find((e) => e.spec.id === config.model) ?? entries[0];
    if (entry) void load(entry);
  }, [entries, status.state, config.model, load]);
  const ready = status.state === "ready";

  const context = useCallback(
    (fromHost: boolean): TurnContext | undefined => {
      const engine = model.engine();
      if (!engine || status.state !== "ready") return undefined;
      const prompted = status.entry.promptedEscalation && status.info.offloadTokenId === undefined;
      const policy: RoutingPolicy = {
        mode: settings.routing,
        temperature: settings.temperature,
        budget: { maxCloudShare: settings.budgetShare, windowTurns: settings.budgetWindow },
        isOnline: () => navigator.onLine,
        ...(settings.consent || fromHost ? { consent: consentPrompt.ask } : {}),
      };
      return {
        router: new Router({ engine, cloud: () => cloud, history: history.current }),
        system: [settings.systemPrompt, prompted ? PROMPTED_ESCALATION_INSTRUCTION : ""]
          .filter(Boolean)
          .join("\n\n"),
        policy,
        cloudModel: settings.cloud.model,
      };
    },
    [model, status, settings, cloud, consentPrompt.ask],
  );

  const send = (text: string, fromHost = false) => {
    const ctx = context(fromHost);
    if (ctx && !chat.running) void chat.send(text, ctx, setConversationId);
  };
  const withContext = (f: (ctx: TurnContext) => unknown) => {
    const ctx = context(false);
    if (ctx && !chat.running) void f(ctx);
  };

  const onHost = (m: HostMessage) => {
    if (m.type === "focus") document.querySelector<HTMLTextAreaElement>("textarea")?.focus();
    else if (config.hostSend === "auto" && ready && !chat.running) send(m.text, true);
    else setSuggestion(m.text);
  };
  const host = useHost(config.host, onHost);
  useTurnEvents(chat.turns, host.emit);
  const turnActions = useTurnActions(chat, withContext);
  const { onSend } = useStableActions({ onSend: (text: string) => send(text) });

  const announced = useRef(false);
  useEffect(() => {
    if (ready && store && !announced.current) {
      announced.current = true;
      host.emit({ type: "ready", model: status.entry.spec.label });
    }
    if (status.state === "error") host.emit({ type: "error", message: status.message });
  }, [ready, store, status, host.emit]);

  if (!host.trusted)
    return (
      <p className="error" role="alert" data-testid="widget-refused">
        This chat can only run inside the page it was set up for.
      </p>
    );

  const busy = chat.running || !ready;
  return (
    <main className="widget" data-ignored-messages={host.ignored}>
      <header className="widget-header">
        <h1>Tandem</h1>
        <ModelStatusLine status={status} />
      </header>
      {sharedCache !== "shared" &&
        (cacheUsable === false || (storeState.state === "ready" && !storeState.persistent)) && (
          <p className="notice" data-testid="storage-notice">
            This browser keeps no storage for chats embedded on this site: the model is downloaded on each
            visit and this conversation is forgotten when you leave.
          </p>
        )}
      {sharedCache === "offer" && (
        <p className="notice">
          <button
            type="button"
            className="link"
            data-testid="share-model-cache"
            onClick={() =>
              void shareModelCacheAcrossSites().then((refused) => {
                setSharedCache(refused ? { refused } : "shared");
                // Read (or store) the model in the shared cache from now on.
                if (!refused && status.state === "ready") void load(status.entry);
              })
            }
          >
            Keep the model for every site that embeds Tandem
          </button>{" "}
          (the browser asks first; otherwise each site downloads it again).
        </p>
      )}
      {sharedCache === "shared" && (
        <p className="notice" data-testid="model-cache-shared">
          The model is kept in one cache shared by every site that embeds Tandem.
        </p>
      )}
      {typeof sharedCache === "object" && (
        <p className="notice" data-testid="model-cache-refused">
          Not shared: {sharedCache.refused}. This site keeps its own copy where it can.
        </p>
      )}
      {storeState.state === "error" && (
        <p className="error" role="alert">
          {storeState.message}
        </p>
      )}
      <section className="conversation" aria-live="polite" aria-label="Conversation">
        {config.greeting && (
          <p className="greeting" data-testid="greeting">
            {config.greeting}
          </p>
        )}
        <TurnList turns={chat.turns} live={chat.live} busy={busy} actions={turnActions} />
      </section>
      {suggestion && (
        <div className="suggestion" data-testid="host-suggestion">
          <p>
            This site suggests: <q>{suggestion}</q>
          </p>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => {
              setSuggestion(undefined);
              send(suggestion);
            }}
          >
            Send it
          </button>
          <button type="button" onClick={() => setSuggestion(undefined)}>
            Dismiss
          </button>
        </div>
      )}
      <Composer ready={ready && !!store} running={chat.running} onSend={onSend} onStop={chat.stop} />
      {consentPrompt.dialog}
    </main>
  );
}
