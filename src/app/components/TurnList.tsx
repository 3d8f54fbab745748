import { memo } from "react";
import type { Turn } from "../../core/store";
import { type LiveTurn, useLiveTurn } from "../chat/live-turn";
import type { TurnContext, useChat } from "../chat/use-chat";
import { useStableActions } from "../use-stable-actions";
import { ErrorBoundary } from "./ErrorBoundary";
import { type TurnActions, TurnView } from "./TurnView";

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

/** A chat's turn actions, each run with a fresh turn context. */
export function useTurnActions(
  chat: ReturnType<typeof useChat>,
  withContext: (f: (ctx: TurnContext) => unknown) => void,
): TurnActions {
  return useStableActions({
    answerLocally: (turnId: string) => withContext((ctx) => chat.answerLocally(turnId, ctx)),
    regenerate: (turnId: string) => withContext((ctx) => chat.regenerate(turnId, ctx)),
    edit: (turnId: string, text: string) => withContext((ctx) => chat.editAndResend(turnId, text, ctx)),
    remove: (turnId: string) => void chat.deleteTurn(turnId),
  });
}

/** A turn as it is now: the live one's latest state while it is being answered. */
function CurrentTurnView({
  turn,
  live,
  busy,
  actions,
}: {
  turn: Turn;
  live: LiveTurn | undefined;
  busy: boolean;
  actions: TurnActions;
}) {
  return <TurnView turn={useLiveTurn(turn, live)} busy={busy} actions={actions} />;
}

/** One turn in its own error boundary. Memoised: while an answer streams, only its turn renders again. */
export const TurnRow = memo(function TurnRow({
  turn,
  live,
  busy,
  actions,
}: {
  turn: Turn;
  live?: LiveTurn | undefined;
  busy: boolean;
  actions: TurnActions;
}) {
  return (
    <ErrorBoundary
      resetKey={turn}
      fallback={(reason) => (
        <UnreadableTurn reason={reason} busy={busy} onDelete={() => actions.remove(turn.id)} />
      )}
    >
      <CurrentTurnView turn={turn} live={live} busy={busy} actions={actions} />
    </ErrorBoundary>
  );
});

/** The conversation's turns; `actions` should keep its identity (see `useTurnActions`). */
export function TurnList({
  turns,
  live,
  busy,
  actions,
}: {
  turns: Turn[];
  live?: LiveTurn | undefined;
  busy: boolean;
  actions: TurnActions;
}) {
  return turns.map((t) => (
    <TurnRow key={t.id} turn={t} live={t.id === live?.id ? live : undefined} busy={busy} actions={actions} />
  ));
}
