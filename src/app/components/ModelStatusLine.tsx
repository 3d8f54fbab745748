import { memo } from "react";
import { formatBytes } from "../format";
import type { ModelStatus } from "../use-local-model";

function progressText(status: Extract<ModelStatus, { state: "loading" }>, now: number): string {
  const p = status.progress;
  if (!p) return "Starting…";
  if (p.phase === "load") return "Loading into the engine…";
  if (p.fromCache) return "Reading from the cache…";
  if (!p.totalBytes) return `Downloading: ${formatBytes(p.loadedBytes)}`;
  const pct = Math.floor((100 * p.loadedBytes) / p.totalBytes);
  const elapsed = (now - status.startedAt) / 1000;
  const rate = p.loadedBytes / Math.max(elapsed, 0.001);
  const left = rate > 0 ? Math.ceil((p.totalBytes - p.loadedBytes) / rate) : undefined;
  return `Downloading: ${formatBytes(p.loadedBytes)} of ${formatBytes(p.totalBytes)} (${pct}%)${left !== undefined ? `, about ${left} s left` : ""}`;
}

/** The loaded model, or the load in progress (bytes, percent, time left), or why it failed. */
export const ModelStatusLine = memo(function ModelStatusLine({ status }: { status: ModelStatus }) {
  const p = status.state === "loading" ? status.progress : undefined;
  return (
    <div className="model-status-line">
      <p className="model-status" data-testid="model-status" data-state={status.state} role="status">
        {status.state === "probing" && "Checking this device…"}
        {status.state === "loading" && progressText(status, performance.now())}
        {status.state === "ready" && `Ready: ${status.entry.spec.label} on ${status.info.backend}`}
        {status.state === "error" && status.message}
      </p>
      {p?.phase === "download" && p.totalBytes ? (
        <progress max={p.totalBytes} value={p.loadedBytes} aria-label="Download progress" />
      ) : null}
      {status.state === "ready" && status.failed && (
        <p className="error" role="alert" data-testid="model-load-failed">
          {status.failed}
        </p>
      )}
      {status.state === "ready" && status.warning && (
        <p className="warning" role="alert" data-testid="model-warning">
          {status.warning}
        </p>
      )}
    </div>
  );
});
