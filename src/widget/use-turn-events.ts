/** Tells the host about this session's turns: sent, route decided, received, failed (once each). */

import { useEffect, useRef } from "react";
import type { Turn } from "../core/store";
import type { WidgetEvent } from "./protocol";

export function useTurnEvents(turns: Turn[], emit: (e: WidgetEvent) => void) {
  const done = useRef(new Set<string>());
  useEffect(() => {
    const once = (key: string, event: () => WidgetEvent) => {
      if (done.current.has(key)) return;
      done.current.add(key);
      emit(event());
    };
    for (const t of turns) {
      once(`sent:${t.id}:${t.user}`, () => ({ type: "message-sent", turnId: t.id, text: t.user }));
      const record = t.record;
      if (!record) continue;
      const key = `${t.id}:${record.startedAt}`;
      if (t.status === "error") {
        once(`error:${key}`, () => ({ type: "error", turnId: t.id, message: t.error?.message ?? "failed" }));
        continue;
      }
      if (t.status !== "done" && t.status !== "stopped") continue;
      const route = record.route === "cloud" ? "cloud" : "local";
      once(`route:${key}`, () => ({ type: "route", turnId: t.id, route, reason: record.reason }));
      once(`received:${key}`, () => ({ type: "message-received", turnId: t.id, text: t.answer, route }));
    }
  }, [turns, emit]);
}
