import { useState } from "react";
import type { ChatStore } from "../../core/store";

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const archive = () => import("../../core/conversation-archive");

/** Export every conversation (JSON) or the open one (markdown); import a JSON export. */
export function DataPanel({ store, currentId }: { store: ChatStore; currentId: string | undefined }) {
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const stamp = new Date().toISOString().slice(0, 10);
  return (
    <div className="data-panel">
      <button
        type="button"
        onClick={async () => {
          const { exportArchive } = await archive();
          download(
            `tandem-conversations-${stamp}.json`,
            "application/json",
            JSON.stringify(await exportArchive(store), null, 2),
          );
        }}
      >
        Export all conversations (JSON)
      </button>
      <button
        type="button"
        disabled={!currentId}
        onClick={async () => {
          const conversation = currentId && (await store.getConversation(currentId));
          if (!conversation) return;
          const { conversationMarkdown } = await archive();
          const name = conversation.title.replace(/[^\w-]+/g, "-").slice(0, 40) || "conversation";
          download(
            `${name}.md`,
            "text/markdown",
            conversationMarkdown(conversation, await store.turns(conversation.id)),
          );
        }}
      >
        Export this conversation (markdown)
      </button>
      <label className="file">
        Import conversations (JSON export)
        <input
          type="file"
          accept="application/json,.json"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (!file) return;
            try {
              const { importArchive } = await archive();
              const n = await importArchive(store, await file.text());
              setResult({
                ok: true,
                text: `Imported ${n.conversations} conversations (${n.turns} messages).`,
              });
            } catch (err) {
              setResult({
                ok: false,
                text: `${file.name} was not imported: ${err instanceof Error ? err.message : String(err)} Nothing was changed.`,
              });
            }
          }}
        />
      </label>
      {result && (
        <p
          role={result.ok ? "status" : "alert"}
          className={result.ok ? "ok" : "error"}
          data-testid="import-result"
        >
          {result.text}
        </p>
      )}
    </div>
  );
}
