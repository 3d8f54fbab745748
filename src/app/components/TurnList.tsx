import type { TurnContext, useChat } from "../chat/use-chat";
import { TurnView } from "./TurnView";

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
  return chat.turns.map((t) => (
    <TurnView
      key={t.id}
      turn={t}
      busy={busy}
      actions={{
        onAnswerLocally: () => withContext((ctx) => chat.answerLocally(t.id, ctx)),
        onRegenerate: () => withContext((ctx) => chat.regenerate(t.id, ctx)),
        onEdit: (text) => withContext((ctx) => chat.editAndResend(t.id, text, ctx)),
        onDelete: () => void chat.deleteTurn(t.id),
      }}
    />
  ));
}
