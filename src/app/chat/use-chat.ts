/** Conversation state driven by the router's events; React only consumes them. */

import { useCallback, useRef, useState } from "react";
import type { ChatMessage } from "../core/engines/types";
import type { RouteRecord, Router, RoutingPolicy } from "../core/router";

export interface Turn {
  id: number;
  user: string;
  /** The answer shown: local text, or the cloud's after an offload. */
  answer: string;
  /** Local text written before the model asked for the cloud. */
  draft?: string;
  offload?: { decision: "cloud" | "declined"; reason?: string };
  source: "local" | "cloud";
  record?: RouteRecord;
  error?: { message: string; partial: string; canAnswerLocally: boolean };
  running: boolean;
}

export function conversationFor(system: string, turns: readonly Turn[], next: string): ChatMessage[] {
  const messages: ChatMessage[] = system.trim() ? [{ role: "system", content: system }] : [];
  for (const t of turns) {
    if (t.running) continue;
    messages.push({ role: "user", content: t.user });
    if (t.answer) messages.push({ role: "assistant", content: t.answer });
  }
  messages.push({ role: "user", content: next });
  return messages;
}

export function useChat() {
  const [turns, setTurns] = useState<Turn[]>([]);
  const controller = useRef<AbortController>(undefined);
  const nextId = useRef(1);

  const update = useCallback(
    (id: number, f: (t: Turn) => Turn) => setTurns((ts) => ts.map((t) => (t.id === id ? f(t) : t))),
    [],
  );

  const run = useCallback(
    async (router: Router, messages: ChatMessage[], policy: RoutingPolicy, id: number) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      try {
        for await (const e of router.turn(messages, policy, c.signal)) {
          if (e.type === "local-delta") update(id, (t) => ({ ...t, answer: t.answer + e.text }));
          else if (e.type === "offload")
            update(id, (t) => ({
              ...t,
              draft: e.draft,
              answer: "",
              source: e.decision === "cloud" ? "cloud" : "local",
              offload: { decision: e.decision, ...(e.reason ? { reason: e.reason } : {}) },
            }));
          else if (e.type === "cloud-delta") update(id, (t) => ({ ...t, answer: t.answer + e.text }));
          else if (e.type === "done") update(id, (t) => ({ ...t, record: e.record, running: false }));
          else if (e.type === "error")
            update(id, (t) => ({
              ...t,
              record: e.record,
              running: false,
              error: { message: e.message, partial: e.partial, canAnswerLocally: e.canAnswerLocally },
            }));
        }
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        update(id, (t) => ({
          ...t,
          running: false,
          error: { message, partial: t.answer, canAnswerLocally: false },
        }));
      }
    },
    [update],
  );

  const send = useCallback(
    (router: Router, system: string, text: string, policy: RoutingPolicy) => {
      const id = nextId.current++;
      const messages = conversationFor(system, turns, text);
      setTurns((ts) => [...ts, { id, user: text, answer: "", source: "local", running: true }]);
      return run(router, messages, policy, id);
    },
    [turns, run],
  );

  /** After a cloud failure: answer the same turn on the device instead (the partial cloud text is kept). */
  const answerLocally = useCallback(
    (router: Router, system: string, id: number, policy: RoutingPolicy) => {
      const index = turns.findIndex((t) => t.id === id);
      const turn = turns[index];
      if (!turn) return;
      const messages = conversationFor(system, turns.slice(0, index), turn.user);
      const kept = turn.error?.partial ?? "";
      update(id, (t) => ({
        ...t,
        running: true,
        answer: "",
        error: undefined,
        source: "local",
        ...(kept ? { draft: `${t.draft ?? ""}\n\n[cloud, interrupted] ${kept}`.trim() } : {}),
      }));
      return run(router, messages, { ...policy, mode: "local" }, id);
    },
    [turns, run, update],
  );

  const stop = useCallback(() => controller.current?.abort(), []);
  const running = turns.some((t) => t.running);
  return { turns, send, stop, answerLocally, running };
}
