import type { Turn } from "../use-chat";
import { RouteBadge } from "./RouteBadge";
import { RouteDetails } from "./RouteDetails";

export function TurnView({ turn, onAnswerLocally }: { turn: Turn; onAnswerLocally: () => void }) {
  return (
    <article className="turn" data-testid="turn">
      <p className="user-message">{turn.user}</p>
      <div className="answer">
        <RouteBadge turn={turn} />
        {turn.draft && (
          <details className="draft">
            <summary>
              Local draft before{" "}
              {turn.offload?.decision === "cloud" ? "asking the cloud" : "the cloud was declined"}
            </summary>
            <p data-testid="draft">{turn.draft}</p>
          </details>
        )}
        {/* Model and cloud text are untrusted: rendered as text, never as HTML. */}
        <p className="answer-text" data-testid="answer">
          {turn.answer}
        </p>
        {turn.error && (
          <div className="error" role="alert" data-testid="turn-error">
            <p>{turn.error.message}</p>
            {turn.error.canAnswerLocally && (
              <button type="button" onClick={onAnswerLocally}>
                Answer on this device instead
              </button>
            )}
          </div>
        )}
        {turn.record && <RouteDetails record={turn.record} />}
      </div>
    </article>
  );
}
