/** The conversation list (searchable) and which one is open; follows changes made in other tabs. */

import { useCallback, useEffect, useState } from "react";
import type { ChatStore, Conversation } from "../../core/store";

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
    return store?.subscribe(() => void reload());
  }, [store, reload]);

  const open = useCallback((id: string | undefined) => setCurrentId(id), []);

  const rename = useCallback(
    async (id: string, title: string) => {
      await store?.renameConversation(id, title);
      await reload();
    },
    [store, reload],
  );

  const remove = useCallback(
    async (id: string) => {
      await store?.deleteConversation(id);
      await reload();
    },
    [store, reload],
  );

  return { conversations, query, setQuery, currentId, open, rename, remove, reload };
}
