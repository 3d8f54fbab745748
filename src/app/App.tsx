import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { CloudClient } from "../core/cloud";
import { InMemoryRouteHistory } from "../core/cloud-budget";
import { customGgufEntry, PROMPTED_ESCALATION_INSTRUCTION } from "../core/models";
import { type ConsentRequest, Router, type RoutingPolicy } from "../core/router";
import { ConsentDialog } from "./components/ConsentDialog";
import { ModelBar } from "./components/ModelBar";
import { SettingsPanel } from "./components/SettingsPanel";
import { TurnView } from "./components/TurnView";
import { useServerCloud } from "./server-cloud";
import { cloudConfigOf, loadSettings, type Settings, saveSettings } from "./settings";
import { useChat } from "./use-chat";
import { useLocalModel } from "./use-local-model";

interface PendingConsent {
  request: ConsentRequest;
  resolve: (ok: boolean) => void;
}

export function App() {
  const [settings, setSettings] = useState<Settings>(loadSettings);
  const model = useLocalModel(settings);
  const chat = useChat();
  const [input, setInput] = useState("");
  const [consent, setConsent] = useState<PendingConsent>();
  const history = useRef(new InMemoryRouteHistory());
  const [selectedId, setSelectedId] = useState(settings.modelId);

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

  // Load the chosen model once the device has been probed (the bundled demo needs no network).
  const { entries, load, status } = model;
  useEffect(() => {
    if (status.state !== "idle") return;
    const entry = entries.find((e) => e.spec.id === selectedId) ?? entries[0];
    if (entry) void load(entry);
  }, [entries, status.state, selectedId, load]);

  const ready = status.state === "ready";
  const system = useMemo(() => {
    const prompted = ready && status.entry.promptedEscalation && status.info.offloadTokenId === undefined;
    const extra = prompted ? PROMPTED_ESCALATION_INSTRUCTION : "";
    return [settings.systemPrompt, extra].filter(Boolean).join("\n\n");
  }, [settings.systemPrompt, ready, status]);

  const policy = useCallback(
    (): RoutingPolicy => ({
      mode: settings.routing,
      privacy: settings.privacy,
      sendDraft: settings.sendDraft,
      temperature: settings.temperature,
      budget: { maxCloudShare: settings.budgetShare, windowTurns: settings.budgetWindow },
      isOnline: () => navigator.onLine,
      ...(settings.consent
        ? {
            consent: (request: ConsentRequest) =>
              new Promise<boolean>((resolve) => setConsent({ request, resolve })),
          }
        : {}),
    }),
    [settings],
  );

  const router = () => {
    const engine = model.engine();
    if (!engine) throw new Error("No model is loaded.");
    return new Router({ engine, cloud: () => cloud, history: history.current });
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const text = input.trim();
    if (!text || !ready || chat.running) return;
    setInput("");
    void chat.send(router(), system, text, policy());
  };

  return (
    <main className="app">
      <header>
        <h1>Tandem</h1>
        <p className="tagline">On-device chat that asks the cloud only when it must.</p>
      </header>
      <ModelBar
        choice={model.choice}
        entries={model.entries}
        status={model.status}
        selectedId={selectedId}
        onSelect={(id) => {
          setSelectedId(id);
          updateSettings({ ...settings, modelId: id });
        }}
        onLoad={() => {
          const entry = model.entries.find((e) => e.spec.id === selectedId);
          if (entry) void model.load(entry);
        }}
        onCancel={model.cancel}
        onLoadUrl={(url) => void model.load(customGgufEntry(url, document.baseURI))}
      />
      <SettingsPanel settings={settings} onChange={updateSettings} />
      <p className="cloud-status" data-testid="cloud-status">
        {settings.privacy
          ? "Privacy mode: nothing leaves this device."
          : cloud
            ? `Cloud: ${cloud.config.model} via ${cloud.config.mode === "proxy" ? "server" : "your key"}`
            : (cloudError ??
              `No cloud configured (${serverCloud.state === "unavailable" ? serverCloud.why : "checking the server"}): everything is answered on this device.`)}
      </p>
      <section className="conversation" aria-live="polite">
        {chat.turns.map((t) => (
          <TurnView
            key={t.id}
            turn={t}
            onAnswerLocally={() => void chat.answerLocally(router(), system, t.id, policy())}
          />
        ))}
      </section>
      <form className="composer" onSubmit={submit}>
        <textarea
          aria-label="Message"
          placeholder={ready ? "Ask something…" : "Loading the model…"}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) submit(e);
          }}
        />
        {chat.running ? (
          <button type="button" onClick={chat.stop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="primary" disabled={!ready}>
            Send
          </button>
        )}
      </form>
      {consent && (
        <ConsentDialog
          request={consent.request}
          onAnswer={(ok) => {
            consent.resolve(ok);
            setConsent(undefined);
          }}
        />
      )}
    </main>
  );
}
