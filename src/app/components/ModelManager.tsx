import { useCallback, useEffect, useState } from "react";
import type { EngineChoice } from "../../core/engines/capabilities";
import {
  cachedBytes,
  deleteCachedModel,
  type StorageEstimate,
  storageEstimate,
} from "../../core/engines/model-cache";
import type { CatalogueEntry, HiddenEntry } from "../../core/models";
import { formatBytes } from "../format";
import type { ModelStatus } from "../use-local-model";
import { ModelCardView } from "./ModelCardView";

function useCacheInfo(entries: CatalogueEntry[], status: ModelStatus) {
  const [cached, setCached] = useState<Record<string, number>>({});
  const [storage, setStorage] = useState<StorageEstimate>();
  const refresh = useCallback(async () => {
    const sizes: Record<string, number> = {};
    for (const e of entries) sizes[e.spec.id] = await cachedBytes(e.spec).catch(() => 0);
    setCached(sizes);
    setStorage(await storageEstimate());
  }, [entries]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a finished load changes what is cached
  useEffect(() => {
    void refresh();
  }, [refresh, status.state]);
  return { cached, storage, refresh };
}

export function ModelManager(props: {
  choice: EngineChoice | undefined;
  entries: CatalogueEntry[];
  hidden: HiddenEntry[];
  status: ModelStatus;
  onLoad: (entry: CatalogueEntry) => void;
  onCancel: () => void;
  /** Rejects with a message a person can act on. */
  onLoadUrl: (url: string) => Promise<void>;
}) {
  const { choice, entries, status } = props;
  const [url, setUrl] = useState("");
  const [urlError, setUrlError] = useState<string>();
  const { cached, storage, refresh } = useCacheInfo(entries, status);
  const loadedId = status.state === "ready" ? status.entry.spec.id : undefined;
  return (
    <section className="model-manager" aria-label="Models">
      <p className="engine-choice" data-testid="engine-choice" data-backend={choice?.backend ?? ""}>
        {choice ? choice.reason : "Checking this device…"}
      </p>
      {status.state === "ready" && status.info.card && <ModelCardView card={status.info.card} />}
      {status.state === "loading" && (
        <button type="button" onClick={props.onCancel}>
          Cancel download
        </button>
      )}
      <ul className="catalogue" data-testid="catalogue">
        {entries.map((e) => (
          <li key={e.spec.id} data-model-id={e.spec.id}>
            <div>
              <strong>{e.spec.label}</strong>
              <small>
                {" "}
                · {formatBytes(e.sizeBytes)} download
                {cached[e.spec.id] ? ` · ${formatBytes(cached[e.spec.id] ?? 0)} cached` : " · not cached"}
              </small>
              <p className="muted">{e.description}</p>
            </div>
            <div className="actions">
              <button
                type="button"
                aria-label={`Load ${e.spec.label}`}
                disabled={status.state === "loading" || loadedId === e.spec.id}
                onClick={() => props.onLoad(e)}
              >
                {loadedId === e.spec.id ? "Loaded" : "Load"}
              </button>
              {cached[e.spec.id] ? (
                <button
                  type="button"
                  aria-label={`Delete the cached ${e.spec.label}`}
                  onClick={() => void deleteCachedModel(e.spec).then(refresh)}
                >
                  Delete cache
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {props.hidden.length > 0 && (
        <details className="muted" data-testid="hidden-models">
          <summary>Not offered on this device ({props.hidden.length})</summary>
          <ul>
            {props.hidden.map((h) => (
              <li key={h.label}>
                {h.label}: {h.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setUrlError(undefined);
          if (url.trim())
            props
              .onLoadUrl(url.trim())
              .catch((err: unknown) => setUrlError(err instanceof Error ? err.message : String(err)));
        }}
      >
        <input
          type="url"
          aria-label="Model URL"
          placeholder="https://…/model.gguf or …/tandem-model.json (your exports)"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button type="submit">Load URL</button>
      </form>
      {urlError && (
        <p className="error" role="alert" data-testid="model-url-error">
          {urlError}
        </p>
      )}
      {storage && (
        <p className="muted" data-testid="storage-estimate">
          This site uses {formatBytes(storage.usedBytes)} of the {formatBytes(storage.quotaBytes)} the browser
          allows it.
          {storage.persisted ? " Storage is persistent." : ""}
          {!storage.persisted && (
            <button
              type="button"
              className="link"
              onClick={() => void navigator.storage.persist().then(refresh)}
            >
              Keep models when space is low
            </button>
          )}
        </p>
      )}
    </section>
  );
}
