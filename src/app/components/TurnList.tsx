import type { TurnContext, useChat } from "../chat/use-chat";
import { ErrorBoundary } from "./ErrorBoundary";
import { TurnView } from "./TurnView";

/** What stands in for a turn that cannot be shown (a stored record of the wrong shape): it can be deleted. */
export function UnreadableTurn({
  reason,
  busy,
  onDelete,
}: {
  reason: string;
  busy: boolean;
  onDelete: () => void;
}) {
  return (
    <article className="turn" data-testid="turn" data-status="unreadable">
      <p className="error" role="alert" data-testid="turn-unreadable">
        This message could not be shown: {reason}
      </p>
      <div className="turn-actions">
        <button type="button" className="link" onClick={onDelete} disabled={busy}>
          Delete
        </button>
      </div>
    </article>
  );
}

/** The conversation's turns with their actions, each run with a fresh turn context. */
export function TurnList({
  chat,
  busy,
  withContext,
}: {
  chat: ReturnType<typeof useChat>;
  busy: boolean;
  withContext: (f: (ctx: TurnContext) => unknown) => void;
}) {
  return chat.turns.map((t) => {
    const onDelete = () => void chat.deleteTurn(t.id);
    return (
      <ErrorBoundary
        key={t.id}
        resetKey={t}
        fallback={(reason) => <UnreadableTurn reason={reason} busy={busy} onDelete={onDelete} />}
      >
        <TurnView
          turn={t}
          busy={busy}
          actions={{
            onAnswerLocally: () => withContext((ctx) => chat.answerLocally(t.id, ctx)),
            onRegenerate: () => withContext((ctx) => chat.regenerate(t.id, ctx)),
            onEdit: (text) => withContext((ctx) => chat.editAndResend(t.id, text, ctx)),
            onDelete,
          }}
        />
      </ErrorBoundary>
    );
  });
}
