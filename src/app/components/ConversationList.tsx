import { memo, useState } from "react";
import type { Conversation } from "../../core/store";
import { useHeldWhile } from "../use-held";
import { ErrorBoundary } from "./ErrorBoundary";

/** What can be done to a listed conversation, by its id (the same functions for every one). */
export interface ConversationActions {
  onNew: () => void;
  onOpen: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
}

function ConversationItem({
  conversation,
  current,
  onOpen,
  onRename,
  onDelete,
}: { conversation: Conversation; current: boolean } & Omit<ConversationActions, "onNew">) {
  const [title, setTitle] = useState<string>();
  if (title !== undefined)
    return (
      <li>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (title.trim()) onRename(conversation.id, title.trim());
            setTitle(undefined);
          }}
        >
          <input
            aria-label="Conversation title"
            value={title}
            // biome-ignore lint/a11y/noAutofocus: the user just asked to rename this conversation
            autoFocus
            onChange={(e) => setTitle(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setTitle(undefined)}
          />
        </form>
      </li>
    );
  return (
    <li className={current ? "current" : undefined}>
      <button
        type="button"
        className="open"
        aria-current={current ? "page" : undefined}
        onClick={() => onOpen(conversation.id)}
      >
        {conversation.title}
      </button>
      <button
        type="button"
        className="icon"
        aria-label={`Rename ${conversation.title}`}
        onClick={() => setTitle(conversation.title)}
      >
        ✎
      </button>
      <button
        type="button"
        className="icon"
        aria-label={`Delete ${conversation.title}`}
        onClick={() => {
          if (confirm(`Delete “${conversation.title}”? This cannot be undone.`)) onDelete(conversation.id);
        }}
      >
        🗑
      </button>
    </li>
  );
}

/** What stands in for a conversation whose stored record cannot be shown: it can be deleted. */
export function UnreadableConversation({ reason, onDelete }: { reason: string; onDelete: () => void }) {
  return (
    <li>
      <span className="error" role="alert">
        This conversation could not be shown: {reason}
      </span>
      <button
        type="button"
        className="icon"
        aria-label="Delete this conversation"
        onClick={() => {
          if (confirm("Delete this conversation? This cannot be undone.")) onDelete();
        }}
      >
        🗑
      </button>
    </li>
  );
}

/** One listed conversation in its own error boundary. Memoised: a change to the list renders only the rows it changes. */
const ConversationRow = memo(function ConversationRow(
  props: { conversation: Conversation; current: boolean } & Omit<ConversationActions, "onNew">,
) {
  const { conversation, onDelete } = props;
  return (
    <ErrorBoundary
      resetKey={conversation}
      fallback={(reason) => (
        <UnreadableConversation reason={reason} onDelete={() => onDelete(conversation.id)} />
      )}
    >
      <ConversationItem {...props} />
    </ErrorBoundary>
  );
});

/**
 * Memoised: it renders again when the list or the open conversation changes, not on each token.
 * While `hold` is set (an answer is starting) it shows the list as it was, so that rendering and
 * painting it do not delay the model's first token: a new conversation joins the list once its
 * answer has begun.
 */
export const ConversationList = memo(function ConversationList(
  props: {
    conversations: Conversation[];
    currentId: string | undefined;
    query: string;
    hold: boolean;
    onQuery: (q: string) => void;
  } & ConversationActions,
) {
  const conversations = useHeldWhile(props.conversations, props.hold);
  return (
    <nav className="conversations" aria-label="Conversations">
      <button type="button" className="primary new-chat" onClick={props.onNew}>
        New chat
      </button>
      <input
        type="search"
        aria-label="Search conversations"
        placeholder="Search"
        value={props.query}
        onChange={(e) => props.onQuery(e.target.value)}
      />
      <ul data-testid="conversation-list">
        {conversations.map((c) => (
          <ConversationRow
            key={c.id}
            conversation={c}
            current={c.id === props.currentId}
            onOpen={props.onOpen}
            onRename={props.onRename}
            onDelete={props.onDelete}
          />
        ))}
      </ul>
      {conversations.length === 0 && (
        <p className="muted">{props.query ? "No conversation matches." : "No conversations yet."}</p>
      )}
    </nav>
  );
});
