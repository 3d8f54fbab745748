import { useState } from "react";
import type { Turn } from "../../core/store";
import { copyText } from "../copy";
import { AnswerText } from "../markdown/AnswerText";
import { RouteBadge } from "./RouteBadge";
import { RouteDetails } from "./RouteDetails";

export interface TurnActions {
  onAnswerLocally: () => void;
  onRegenerate: () => void;
  onEdit: (text: string) => void;
  onDelete: () => void;
}

function UserMessage({ turn, busy, onEdit }: { turn: Turn; busy: boolean; onEdit: (text: string) => void }) {
  const [editing, setEditing] = useState<string>();
  if (editing === undefined)
    return (
      <div className="user-message">
        <p data-testid="user-text">{turn.user}</p>
        <button type="button" className="link" disabled={busy} onClick={() => setEditing(turn.user)}>
          Edit
        </button>
      </div>
    );
  return (
    <form
      className="user-message editing"
      onSubmit={(e) => {
        e.preventDefault();
        if (!editing.trim()) return;
        setEditing(undefined);
        onEdit(editing.trim());
      }}
    >
      <textarea aria-label="Edit message" value={editing} onChange={(e) => setEditing(e.target.value)} />
      <div className="actions">
        <button type="button" onClick={() => setEditing(undefined)}>
          Cancel
        </button>
        <button type="submit" className="primary">
          Save and resend
        </button>
      </div>
    </form>
  );
}

export function TurnView({ turn, busy, actions }: { turn: Turn; busy: boolean; actions: TurnActions }) {
  const streaming = turn.status === "streaming";
  return (
    <article className="turn" data-testid="turn" data-status={turn.status}>
      <UserMessage turn={turn} busy={busy} onEdit={actions.onEdit} />
      <div className="answer">
        <RouteBadge turn={turn} />
        {turn.draft && (
          <details className="draft">
            <summary>
              Local draft before{" "}
              {turn.offload?.decision === "cloud" ? "asking the cloud" : "the cloud was declined"}
            </summary>
            <AnswerText text={turn.draft} testId="draft" />
          </details>
        )}
        <AnswerText text={turn.answer} testId="answer" />
        {turn.status === "interrupted" && (
          <p className="notice" data-testid="interrupted">
            This answer was cut off when the page closed.
          </p>
        )}
        {turn.error && (
          <div className="error" role="alert" data-testid="turn-error">
            <p>{turn.error.message}</p>
            {turn.error.canAnswerLocally && (
              <button type="button" onClick={actions.onAnswerLocally} disabled={busy}>
                Answer on this device instead
              </button>
            )}
          </div>
        )}
        {!streaming && (
          <div className="turn-actions">
            <button type="button" className="link" onClick={() => void copyText(turn.answer)}>
              Copy
            </button>
            <button type="button" className="link" onClick={actions.onRegenerate} disabled={busy}>
              Regenerate
            </button>
            <button type="button" className="link" onClick={actions.onDelete} disabled={busy}>
              Delete
            </button>
          </div>
        )}
        {turn.record && <RouteDetails record={turn.record} />}
      </div>
    </article>
  );
}
