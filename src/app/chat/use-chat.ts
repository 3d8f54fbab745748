/**
 * One conversation's turns, driven by the router's events and kept in the store: the user's
 * message is saved before its answer is shown (the engine starts meanwhile) and the answer is
 * flushed while it streams.
 */

import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatMessage } from "../../core/engines/types";
import type { Router, RouterEvent, RoutingPolicy } from "../../core/router";
import type { ChatStore, Turn } from "../../core/store";
import { conversationFor, routeStatFor, titleFor } from "./conversation";
import { LiveTurn } from "./live-turn";
import { closeWorking } from "./reasoning";
import { holdTurnLock } from "./turn-lock";

/** A reload mid-answer loses at most this much of it. */
export const FLUSH_MS = 500;

/** The longest an answer counts as starting, however slow the model (see `starting` below). */
const STARTING_MS = 100;

export interface TurnContext {
  router: Router;
  system: string;
  policy: RoutingPolicy;
  cloudModel: string;
}

function applyEvent(t: Turn, e: RouterEvent): Turn {
  switch (e.type) {
    case "local-delta":
    case "cloud-delta":
      return { ...t, answer: t.answer + e.text };
    case "offload":
      return {
        ...t,
        draft: e.draft,
        answer: "",
        source: e.decision === "cloud" ? "cloud" : "local",
        offload: { decision: e.decision, ...(e.reason ? { reason: e.reason } : {}) },
      };
    case "done":
      return { ...t, record: e.record, status: e.record.stopped ? "stopped" : "done" };
    case "error":
      return {
        ...t,
        record: e.record,
        status: "error",
        error: { message: e.message, partial: e.partial, canAnswerLocally: e.canAnswerLocally },
      };
  }
}

/** Writes the latest state of a streaming turn at most every FLUSH_MS, and once at the end. */
function flusher(store: ChatStore, latest: () => Turn, onError: (e: unknown) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The turn was saved as it started: the first flush is due FLUSH_MS later, not with the first token.
  let last = Date.now();
  const write = () => store.putTurn(latest()).catch(onError);
  return {
    schedule() {
      if (timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          last = Date.now();
          void write();
        },
        Math.max(0, last + FLUSH_MS - Date.now()),
      );
    },
    async final() {
      clearTimeout(timer);
      timer = undefined;
      await write();
    },
  };
}

export function useChat(store: ChatStore | undefined, conversationId: string | undefined) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [saveError, setSaveError] = useState<string>();
  const [live, setLive] = useState<LiveTurn>();
  /**
   * An answer has been asked for and has not begun, for at most STARTING_MS: what can wait (the
   * conversation list) waits, since the engine's first token needs the same main thread.
   */
  const [starting, setStarting] = useState(false);
  const active = useRef<{ turnId: string; controller: AbortController }>(undefined);
  const shown = useRef(conversationId);
  shown.current = conversationId;
  /** The conversation whose turns `turns` holds. */
  const loaded = useRef<string>(undefined);

  const reload = useCallback(async () => {
    const id = conversationId;
    const stored = store && id ? await store.turns(id) : [];
    if (shown.current !== id) return;
    loaded.current = id;
    // The answer this tab is writing is newer here than in the store.
    setTurns((mine) =>
      stored.map((t) => (t.id === active.current?.turnId ? (mine.find((m) => m.id === t.id) ?? t) : t)),
    );
  }, [store, conversationId]);

  useEffect(() => {
    // A conversation this tab has just started already has its turns here.
    if (loaded.current !== conversationId) void reload();
    return store?.subscribe((change, origin) => {
      // What this tab writes is in `turns` already.
      if (origin === "this-tab") return;
      if (
        change.kind === "conversations" ||
        (change.kind === "turns" && change.conversationId === conversationId)
      )
        void reload();
    });
  }, [store, conversationId, reload]);

  const reportSaveError = useCallback(
    (e: unknown) => setSaveError(e instanceof Error ? e.message : String(e)),
    [],
  );

  /**
   * Answers a turn. The engine starts first and works while `save` writes the turn; once it is
   * saved, `place` puts it on screen and the answer streams in. A failed save stops the engine and
   * throws.
   */
  const run = useCallback(
    async (
      turnId: string,
      save: () => Promise<Turn>,
      place: (turn: Turn) => void,
      messages: ChatMessage[],
      ctx: TurnContext,
    ) => {
      if (!store) return;
      active.current?.controller.abort();
      const controller = new AbortController();
      active.current = { turnId, controller };
      const events = ctx.router.turn(messages, ctx.policy, controller.signal);
      const firstEvent = events.next();
      let current: Turn;
      try {
        current = await save();
      } catch (e) {
        controller.abort();
        if (active.current?.turnId === turnId) active.current = undefined;
        await firstEvent.catch(() => undefined);
        await events.return(undefined);
        throw e;
      }
      const liveTurn = new LiveTurn(current);
      // Rendered in one pass with the store's notice of the save (the conversation list), not apart.
      place(current);
      setLive(liveTurn);
      setStarting(true);
      const startingTimer = setTimeout(() => setStarting(false), STARTING_MS);
      const begun = () => {
        clearTimeout(startingTimer);
        setStarting(false);
      };
      const flush = flusher(store, () => current, reportSaveError);
      // Tokens render the turn alone (see LiveTurn); the list takes the turn back once it ends.
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        setTurns((ts) => ts.map((t) => (t.id === current.id ? current : t)));
        setLive((l) => (l === liveTurn ? undefined : l));
        begun();
      };
      await holdTurnLock(turnId, async () => {
        try {
          for (let next = await firstEvent; !next.done; next = await events.next()) {
            const e = next.value;
            current = { ...applyEvent(current, e), updatedAt: Date.now() };
            begun();
            flush.schedule();
            if (e.type === "done" || e.type === "error") {
              end();
              await store
                .addRoute(routeStatFor(current, e.record, messages, ctx.cloudModel))
                .catch(reportSaveError);
            } else liveTurn.set(current);
          }
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          current = {
            ...current,
            status: "error",
            error: { message, partial: current.answer, canAnswerLocally: false },
          };
        } finally {
          end();
          if (active.current?.turnId === turnId) active.current = undefined;
          await events.return(undefined);
          await flush.final();
        }
      });
    },
    [store, reportSaveError],
  );

  /** Saves the message (and a new conversation for the first one) and answers it. */
  const send = useCallback(
    async (text: string, ctx: TurnContext, onCreated: (id: string) => void) => {
      if (!store) return;
      const id = conversationId;
      const now = Date.now();
      const last = id ? turns.at(-1) : undefined;
      const fields = {
        id: crypto.randomUUID(),
        seq: last ? last.seq + 1 : 0,
        user: text,
        answer: "",
        source: "local" as const,
        status: "streaming" as const,
        createdAt: now,
        updatedAt: now,
      };
      const save = async (): Promise<Turn> => {
        if (!id) return (await store.startConversation(titleFor(text), fields)).turn;
        const turn = { ...fields, conversationId: id };
        await store.putTurn(turn);
        return turn;
      };
      const place = (turn: Turn) => {
        if (!id) {
          shown.current = turn.conversationId;
          loaded.current = turn.conversationId;
          onCreated(turn.conversationId);
        }
        setTurns((ts) => [...ts.filter((t) => t.conversationId === turn.conversationId), turn]);
      };
      try {
        await run(fields.id, save, place, conversationFor(ctx.system, turns, text), ctx);
      } catch (e) {
        reportSaveError(e);
      }
    },
    [store, conversationId, turns, run, reportSaveError],
  );

  /** Answers a turn again (optionally with new text), dropping every turn after it. */
  const rerun = useCallback(
    async (turnId: string, ctx: TurnContext, changes: { user?: string; draftNote?: string } = {}) => {
      if (!store) return;
      const index = turns.findIndex((t) => t.id === turnId);
      const old = turns[index];
      if (!old) return;
      const turn: Turn = {
        id: old.id,
        conversationId: old.conversationId,
        seq: old.seq,
        user: changes.user ?? old.user,
        answer: "",
        ...(changes.draftNote ? { draft: changes.draftNote } : {}),
        source: "local",
        status: "streaming",
        createdAt: old.createdAt,
        updatedAt: Date.now(),
      };
      const save = async () => {
        await store.deleteTurnsFrom(old.conversationId, old.seq + 1);
        await store.putTurn(turn);
        return turn;
      };
      const place = () => setTurns([...turns.slice(0, index), turn]);
      try {
        await run(turn.id, save, place, conversationFor(ctx.system, turns.slice(0, index), turn.user), ctx);
      } catch (e) {
        reportSaveError(e);
      }
    },
    [store, turns, run, reportSaveError],
  );

  const regenerate = useCallback((turnId: string, ctx: TurnContext) => rerun(turnId, ctx), [rerun]);

  const editAndResend = useCallback(
    (turnId: string, text: string, ctx: TurnContext) => rerun(turnId, ctx, { user: text }),
    [rerun],
  );

  /** After a cloud failure: answer the same turn on the device instead (the partial cloud text is kept as a note). */
  const answerLocally = useCallback(
    (turnId: string, ctx: TurnContext) => {
      const turn = turns.find((t) => t.id === turnId);
      const kept = turn?.error?.partial ?? "";
      const draftNote = kept
        ? `${closeWorking(turn?.draft ?? "")}\n\n[cloud, interrupted] ${kept}`.trim()
        : "";
      return rerun(turnId, { ...ctx, policy: { ...ctx.policy, mode: "local" } }, { draftNote });
    },
    [turns, rerun],
  );

  const deleteTurn = useCallback(
    async (turnId: string) => {
      const turn = turns.find((t) => t.id === turnId);
      if (!store || !turn || turn.status === "streaming") return;
      try {
        await store.deleteTurn(turnId, turn.conversationId);
        setTurns((ts) => ts.filter((t) => t.id !== turnId));
      } catch (e) {
        reportSaveError(e);
      }
    },
    [store, turns, reportSaveError],
  );

  const stop = useCallback(() => active.current?.controller.abort(), []);
  const running = turns.some((t) => t.status === "streaming" && t.id === active.current?.turnId);
  return {
    turns,
    live,
    starting,
    send,
    regenerate,
    editAndResend,
    answerLocally,
    deleteTurn,
    stop,
    running,
    saveError,
    clearSaveError: () => setSaveError(undefined),
  };
}
