import { useState } from "react";
import type { Turn } from "../../core/store";
import { splitReasoning } from "../chat/reasoning";
import { copyText } from "../copy";
import { AnswerText } from "../markdown/AnswerText";
import { RouteBadge } from "./RouteBadge";
import { RouteDetails } from "./RouteDetails";

/** What can be done to a turn, by its id (the same functions for every turn). */
export interface TurnActions {
  answerLocally: (turnId: string) => void;
  regenerate: (turnId: string) => void;
  edit: (turnId: string, text: string) => void;
  remove: (turnId: string) => void;
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

/** A local text in the paper's format: the working collapsed, the answer shown; other text as it is. */
function LocalText({ text, testId, working }: { text: string; testId: string; working: string }) {
  const split = splitReasoning(text);
  return (
    <>
      {split.working !== undefined && (
        <details className="working" data-testid={`${testId}-working`}>
          <summary>{working}</summary>
          <pre>{split.working}</pre>
        </details>
      )}
      <AnswerText text={split.answer} testId={testId} />
    </>
  );
}

export function TurnView({ turn, busy, actions }: { turn: Turn; busy: boolean; actions: TurnActions }) {
  const streaming = turn.status === "streaming";
  const answer = splitReasoning(turn.answer).answer;
  return (
    <article className="turn" data-testid="turn" data-status={turn.status}>
      <UserMessage turn={turn} busy={busy} onEdit={(text) => actions.edit(turn.id, text)} />
      <div className="answer">
        <RouteBadge turn={turn} />
        {turn.draft && (
          <details className="draft">
            <summary>
              Local draft before{" "}
              {turn.offload?.decision === "cloud" ? "asking the cloud" : "the cloud was declined"}
            </summary>
            <LocalText text={turn.draft} testId="draft" working="Its working so far" />
          </details>
        )}
        <LocalText text={turn.answer} testId="answer" working="The model's working" />
        {turn.status === "interrupted" && (
          <p className="notice" data-testid="interrupted">
            This answer was cut off when the page closed.
          </p>
        )}
        {turn.error && (
          <div className="error" role="alert" data-testid="turn-error">
            <p>{turn.error.message}</p>
            {turn.error.canAnswerLocally && (
              <button type="button" onClick={() => actions.answerLocally(turn.id)} disabled={busy}>
                Answer on this device instead
              </button>
            )}
          </div>
        )}
        {!streaming && (
          <div className="turn-actions">
            <button type="button" className="link" onClick={() => void copyText(answer)}>
              Copy
            </button>
            <button
              type="button"
              className="link"
              onClick={() => actions.regenerate(turn.id)}
              disabled={busy}
            >
              Regenerate
            </button>
            <button type="button" className="link" onClick={() => actions.remove(turn.id)} disabled={busy}>
              Delete
            </button>
          </div>
        )}
        {turn.record && <RouteDetails record={turn.record} />}
      </div>
    </article>
  );
}
