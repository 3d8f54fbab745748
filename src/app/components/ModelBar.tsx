import { useState } from "react";
import type { EngineChoice } from "../../core/engines/capabilities";
import type { CatalogueEntry } from "../../core/models";
import { formatBytes } from "../format";
import type { ModelStatus } from "../use-local-model";

function progressText(status: Extract<ModelStatus, { state: "loading" }>): string {
  const p = status.progress;
  if (!p) return "Starting…";
  if (p.phase === "load") return "Loading into the engine…";
  if (p.fromCache) return "Reading from the cache…";
  if (!p.totalBytes) return `Downloading: ${formatBytes(p.loadedBytes)}`;
  const pct = Math.floor((100 * p.loadedBytes) / p.totalBytes);
  const elapsed = (performance.now() - status.startedAt) / 1000;
  const rate = p.loadedBytes / Math.max(elapsed, 0.001);
  const left = rate > 0 ? Math.ceil((p.totalBytes - p.loadedBytes) / rate) : undefined;
  return `Downloading: ${formatBytes(p.loadedBytes)} of ${formatBytes(p.totalBytes)} (${pct}%)${left !== undefined ? `, about ${left} s left` : ""}`;
}

export function ModelBar(props: {
  choice: EngineChoice | undefined;
  entries: CatalogueEntry[];
  status: ModelStatus;
  selectedId: string;
  onSelect: (id: string) => void;
  onLoad: () => void;
  onCancel: () => void;
  onLoadUrl: (url: string) => void;
}) {
  const { choice, entries, status } = props;
  const [url, setUrl] = useState("");
  return (
    <section className="model-bar" aria-label="Model">
      <p className="engine-choice" data-testid="engine-choice" data-backend={choice?.backend ?? ""}>
        {choice ? choice.reason : "Checking this device…"}
      </p>
      <div className="row">
        <select aria-label="Model" value={props.selectedId} onChange={(e) => props.onSelect(e.target.value)}>
          {entries.map((e) => (
            <option key={e.spec.id} value={e.spec.id}>
              {e.spec.label} · {formatBytes(e.sizeBytes)}
            </option>
          ))}
        </select>
        {status.state === "loading" ? (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        ) : (
          <button type="button" onClick={props.onLoad} disabled={entries.length === 0}>
            Load
          </button>
        )}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) props.onLoadUrl(url.trim());
        }}
      >
        <input
          type="url"
          aria-label="Custom GGUF model URL"
          placeholder="https://…/model.gguf"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button type="submit">Load URL</button>
      </form>
      <p className="model-status" data-testid="model-status" data-state={status.state} role="status">
        {status.state === "loading" && progressText(status)}
        {status.state === "ready" && `Ready: ${status.entry.spec.label} on ${status.info.backend}`}
        {status.state === "error" && status.message}
      </p>
      {status.state === "ready" && status.warning && <p className="warning">{status.warning}</p>}
    </section>
  );
}
