/** The conversation list (searchable) and which one is open; follows changes made in other tabs. */

import { useCallback, useEffect, useState } from "react";
import type { ChatStore, Conversation, StoreChange } from "../../core/store";

/** The list, most recent first, with `conversation` put in (or in its place again). */
export function withConversation(list: readonly Conversation[], conversation: Conversation): Conversation[] {
  const rest = list.filter((c) => c.id !== conversation.id);
  const at = rest.findIndex((c) => c.updatedAt <= conversation.updatedAt);
  return at < 0 ? [...rest, conversation] : [...rest.slice(0, at), conversation, ...rest.slice(at)];
}

/** What a store change does to the list, when the change says enough; undefined: read the list again. */
export function listUpdate(
  change: Exclude<StoreChange, { kind: "routes" }>,
): ((list: Conversation[]) => Conversation[]) | undefined {
  switch (change.kind) {
    case "conversations": {
      const { created } = change;
      return created && ((list) => withConversation(list, created));
    }
    case "turns": {
      // A saved turn touches its conversation as the store does; a deleted one leaves it as it was.
      const { conversationId, updatedAt } = change;
      return (list) => {
        const touched = list.find((c) => c.id === conversationId);
        return touched && updatedAt !== undefined && touched.updatedAt < updatedAt
          ? withConversation(list, { ...touched, updatedAt })
          : list;
      };
    }
  }
}

export function useConversations(store: ChatStore | undefined) {
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [query, setQuery] = useState("");
  const [currentId, setCurrentId] = useState<string>();

  const reload = useCallback(async () => {
    if (!store) return;
    const list = query.trim() ? await store.search(query) : await store.listConversations();
    setConversations(list);
    // Deleted here or in another tab: close it.
    if (!query.trim()) setCurrentId((id) => (id && list.some((c) => c.id === id) ? id : undefined));
  }, [store, query]);

  useEffect(() => {
    void reload();
    return store?.subscribe((change) => {
      if (change.kind === "routes") return;
      // Search results depend on the messages' text: search again.
      const update = query.trim() ? undefined : listUpdate(change);
      if (update) setConversations(update);
      else void reload();
    });
  }, [store, query, reload]);

  const open = useCallback((id: string | undefined) => setCurrentId(id), []);

  // The store's notice of these changes reads the list again.
  const rename = useCallback((id: string, title: string) => store?.renameConversation(id, title), [store]);
  const remove = useCallback((id: string) => store?.deleteConversation(id), [store]);

  return { conversations, query, setQuery, currentId, open, rename, remove };
}
