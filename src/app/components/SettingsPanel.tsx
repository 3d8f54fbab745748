import type { Settings } from "../settings";

export function SettingsPanel({
  settings,
  onChange,
}: {
  settings: Settings;
  onChange: (s: Settings) => void;
}) {
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) =>
    onChange({ ...settings, [key]: value });
  const setCloud = <K extends keyof Settings["cloud"]>(key: K, value: Settings["cloud"][K]) =>
    onChange({ ...settings, cloud: { ...settings.cloud, [key]: value } });
  return (
    <div className="settings">
      <fieldset>
        <legend>Routing</legend>
        <label>
          Mode{" "}
          <select
            aria-label="Routing mode"
            value={settings.routing}
            onChange={(e) => set("routing", e.target.value as Settings["routing"])}
          >
            <option value="auto">The model decides</option>
            <option value="local">Always on device</option>
            <option value="cloud">Always cloud</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.privacy}
            onChange={(e) => set("privacy", e.target.checked)}
          />{" "}
          Privacy mode (nothing leaves this device)
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.consent}
            onChange={(e) => set("consent", e.target.checked)}
          />{" "}
          Ask before sending anything to the cloud
        </label>
        <label>
          <input
            type="checkbox"
            checked={settings.sendDraft}
            onChange={(e) => set("sendDraft", e.target.checked)}
          />{" "}
          Send the local draft along
        </label>
        <label>
          Cloud budget: at most{" "}
          <input
            type="number"
            min={0}
            max={100}
            aria-label="Cloud budget percent"
            value={Math.round(settings.budgetShare * 100)}
            onChange={(e) => set("budgetShare", Math.min(1, Math.max(0, Number(e.target.value) / 100)))}
          />
          % of the last {settings.budgetWindow} turns
        </label>
      </fieldset>
      <fieldset>
        <legend>Cloud</legend>
        <label>
          Connection{" "}
          <select
            aria-label="Cloud connection"
            value={settings.cloud.mode}
            onChange={(e) => setCloud("mode", e.target.value as Settings["cloud"]["mode"])}
          >
            <option value="proxy">Through a server (no key in this browser)</option>
            <option value="direct">Directly with my own API key</option>
          </select>
        </label>
        <label>
          Base URL{" "}
          <input
            type="url"
            aria-label="Cloud base URL"
            placeholder="https://api.anthropic.com"
            value={settings.cloud.baseURL}
            onChange={(e) => setCloud("baseURL", e.target.value)}
          />
        </label>
        {settings.cloud.mode === "direct" && (
          <label>
            API key{" "}
            <input
              type="password"
              aria-label="API key"
              autoComplete="off"
              value={settings.cloud.apiKey}
              onChange={(e) => setCloud("apiKey", e.target.value)}
            />
            <small className="warning">
              Stored only in this browser and sent straight to the endpoint above. Anyone with access to this
              browser profile can read it.
            </small>
          </label>
        )}
        <label>
          Model{" "}
          <input
            aria-label="Cloud model"
            value={settings.cloud.model}
            onChange={(e) => setCloud("model", e.target.value)}
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>Generation</legend>
        <label>
          Temperature{" "}
          <input
            type="number"
            step={0.1}
            min={0}
            max={2}
            aria-label="Temperature"
            value={settings.temperature}
            onChange={(e) => set("temperature", Number(e.target.value))}
          />
        </label>
        <label>
          System prompt
          <textarea
            aria-label="System prompt"
            value={settings.systemPrompt}
            onChange={(e) => set("systemPrompt", e.target.value)}
          />
        </label>
        <label>
          Engine{" "}
          <select
            aria-label="Engine"
            value={settings.engine}
            onChange={(e) => set("engine", e.target.value as Settings["engine"])}
          >
            <option value="auto">Best for this device</option>
            <option value="webllm">WebGPU (web-llm)</option>
            <option value="wllama">CPU (wllama)</option>
          </select>
        </label>
      </fieldset>
    </div>
  );
}
