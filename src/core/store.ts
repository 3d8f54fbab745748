/**
 * Conversations, turns and routing statistics in IndexedDB (through idb).
 *
 * A turn is one exchange: the user's message and the answer to it. It is written as generation
 * starts and before any of the answer is shown (status "streaming"), and flushed while the answer
 * streams, so a reload loses at most the last flush interval. Route statistics live in their own
 * store and outlive the conversations they came from. Every write is announced to this tab's
 * listeners and, through a BroadcastChannel, to other tabs, with where it came from (a tab already
 * holds what it wrote) and enough to update a conversation list without reading it again.
 */

import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from "idb";
import type { Route, RouteRecord } from "./router";

export type TurnStatus = "streaming" | "done" | "error" | "stopped" | "interrupted";

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
}

export interface Turn {
  id: string;
  conversationId: string;
  /** Position in the conversation. */
  seq: number;
  user: string;
  /** The answer shown: local text, or the cloud's after an offload. */
  answer: string;
  /** Local text written before the model asked for the cloud. */
  draft?: string;
  offload?: { decision: "cloud" | "declined"; reason?: string };
  source: "local" | "cloud";
  record?: RouteRecord;
  error?: { message: string; partial: string; canAnswerLocally: boolean };
  status: TurnStatus;
  createdAt: number;
  updatedAt: number;
}

/** One routing decision, kept for statistics (and the cloud budget) after its conversation is gone. */
export interface RouteStat {
  id?: number;
  at: number;
  conversationId: string;
  turnId: string;
  route: Route;
  localTokens: number;
  cloudModel?: string;
  cloudInputTokens: number;
  cloudOutputTokens: number;
  /** Estimated cost of what this turn sent to the cloud. */
  costUsd: number;
  /** Estimated cost had the cloud answered this turn (for "saved against always-cloud"). */
  alwaysCloudCostUsd?: number;
}

interface TandemDB extends DBSchema {
  conversations: { key: string; value: Conversation; indexes: { updatedAt: number } };
  turns: {
    key: string;
    value: Turn;
    indexes: { conversationId: string; conversationSeq: [string, number]; status: TurnStatus };
  };
  routes: { key: number; value: RouteStat; indexes: { at: number } };
}

type UpgradeTx = IDBPTransaction<TandemDB, StoreNames<TandemDB>[], "versionchange">;

/** MIGRATIONS[i] upgrades a database at version i to version i + 1. Append, never edit. */
const MIGRATIONS: Array<(db: IDBPDatabase<TandemDB>, tx: UpgradeTx) => void> = [
  (db) => {
    db.createObjectStore("conversations", { keyPath: "id" }).createIndex("updatedAt", "updatedAt");
    const turns = db.createObjectStore("turns", { keyPath: "id" });
    turns.createIndex("conversationId", "conversationId");
    turns.createIndex("conversationSeq", ["conversationId", "seq"]);
    db.createObjectStore("routes", { keyPath: "id", autoIncrement: true }).createIndex("at", "at");
  },
  // Start-up looks for answers left streaming without reading every stored turn.
  (_db, tx) => {
    tx.objectStore("turns").createIndex("status", "status");
  },
];

export const STORE_VERSION = MIGRATIONS.length;

/**
 * Messages are written without waiting for the disk flush: a crash of the whole OS may lose the
 * last write, which the flush interval already allows; a closed or crashed tab loses nothing.
 */
const RELAXED = { durability: "relaxed" } as const;

export class StoreError extends Error {
  override name = "StoreError";
}

export type StoreChange =
  /** `created` is the new conversation, when that is the whole change. */
  | { kind: "conversations"; created?: Conversation }
  /** `updatedAt` is set when a turn was saved: its conversation's `updatedAt` is now at least this. */
  | { kind: "turns"; conversationId: string; updatedAt?: number }
  | { kind: "routes" };

/** Whether a change was made through this store or by another tab. */
export type ChangeOrigin = "this-tab" | "other-tab";

export interface StoreOptions {
  name?: string;
  /** Called when another tab needs this connection closed to upgrade the schema. */
  onVersionChange?: () => void;
}

function explainStorageError(e: unknown): string {
  if (e instanceof DOMException && e.name === "QuotaExceededError")
    return "the browser's storage for this site is full. Delete cached models or old conversations to free space";
  return e instanceof Error ? e.message : String(e);
}

export class ChatStore {
  private readonly channel: BroadcastChannel | undefined;
  private readonly listeners = new Set<(change: StoreChange, origin: ChangeOrigin) => void>();

  private constructor(
    private readonly db: IDBPDatabase<TandemDB>,
    name: string,
  ) {
    this.channel =
      typeof BroadcastChannel === "undefined" ? undefined : new BroadcastChannel(`tandem-store:${name}`);
    this.channel?.addEventListener("message", (e: MessageEvent<StoreChange>) => {
      for (const l of this.listeners) l(e.data, "other-tab");
    });
  }

  static async open(options: StoreOptions = {}): Promise<ChatStore> {
    const name = options.name ?? "tandem";
    let db: IDBPDatabase<TandemDB>;
    try {
      db = await openDB<TandemDB>(name, STORE_VERSION, {
        upgrade(db, oldVersion, _newVersion, tx) {
          for (let v = oldVersion; v < STORE_VERSION; v++) MIGRATIONS[v]?.(db, tx);
        },
        blocking() {
          db.close();
          options.onVersionChange?.();
        },
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === "VersionError")
        throw new StoreError(
          "Your conversations were saved by a newer version of Tandem. Reload the page to get it.",
        );
      throw new StoreError(`Could not open the conversation store: ${explainStorageError(e)}.`);
    }
    return new ChatStore(db, name);
  }

  close(): void {
    this.channel?.close();
    this.db.close();
  }

  /** Changes made through this store or in other tabs. */
  subscribe(listener: (change: StoreChange, origin: ChangeOrigin) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(change: StoreChange): void {
    this.channel?.postMessage(change);
    for (const l of this.listeners) l(change, "this-tab");
  }

  private async write<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw new StoreError(`Could not save ${what}: ${explainStorageError(e)}.`);
    }
  }

  async listConversations(): Promise<Conversation[]> {
    const all = await this.db.getAllFromIndex("conversations", "updatedAt");
    return all.reverse();
  }

  getConversation(id: string): Promise<Conversation | undefined> {
    return this.db.get("conversations", id);
  }

  async createConversation(title: string, now = Date.now()): Promise<Conversation> {
    const conversation = { id: crypto.randomUUID(), title, createdAt: now, updatedAt: now };
    await this.write("the new conversation", async () => {
      const tx = this.db.transaction("conversations", "readwrite", RELAXED);
      await tx.store.put(conversation);
      await tx.done;
    });
    this.announce({ kind: "conversations", created: conversation });
    return conversation;
  }

  /** A new conversation and its first turn, in one transaction (it is on the path to the first token). */
  async startConversation(
    title: string,
    first: Omit<Turn, "conversationId">,
  ): Promise<{ conversation: Conversation; turn: Turn }> {
    const conversation = {
      id: crypto.randomUUID(),
      title,
      createdAt: first.createdAt,
      updatedAt: first.updatedAt,
    };
    const turn: Turn = { ...first, conversationId: conversation.id };
    await this.write("the message", async () => {
      const tx = this.db.transaction(["conversations", "turns"], "readwrite", RELAXED);
      await Promise.all([
        tx.objectStore("conversations").put(conversation),
        tx.objectStore("turns").put(turn),
        tx.done,
      ]);
    });
    this.announce({ kind: "conversations", created: conversation });
    return { conversation, turn };
  }

  async renameConversation(id: string, title: string): Promise<void> {
    await this.write("the new title", async () => {
      const tx = this.db.transaction("conversations", "readwrite");
      const c = await tx.store.get(id);
      if (c) await tx.store.put({ ...c, title });
      await tx.done;
    });
    this.announce({ kind: "conversations" });
  }

  /** Deletes the conversation and its turns; its route statistics stay. */
  async deleteConversation(id: string): Promise<void> {
    await this.write("the deletion", async () => {
      const tx = this.db.transaction(["conversations", "turns"], "readwrite");
      await tx.objectStore("conversations").delete(id);
      const turns = tx.objectStore("turns").index("conversationId");
      for (let cursor = await turns.openCursor(id); cursor; cursor = await cursor.continue())
        await cursor.delete();
      await tx.done;
    });
    this.announce({ kind: "conversations" });
  }

  turns(conversationId: string): Promise<Turn[]> {
    return this.db.getAllFromIndex(
      "turns",
      "conversationSeq",
      IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity]),
    );
  }

  /** Saves a turn and touches its conversation (most recent first in the list). */
  async putTurn(turn: Turn): Promise<void> {
    await this.write("the message", async () => {
      const tx = this.db.transaction(["turns", "conversations"], "readwrite", RELAXED);
      await tx.objectStore("turns").put(turn);
      const conversations = tx.objectStore("conversations");
      const c = await conversations.get(turn.conversationId);
      if (c && c.updatedAt < turn.updatedAt) await conversations.put({ ...c, updatedAt: turn.updatedAt });
      await tx.done;
    });
    this.announce({ kind: "turns", conversationId: turn.conversationId, updatedAt: turn.updatedAt });
  }

  /** Removes the turns at and after `seq` (edit and resend starts the conversation again from there). */
  async deleteTurnsFrom(conversationId: string, seq: number): Promise<void> {
    await this.write("the change", async () => {
      const tx = this.db.transaction("turns", "readwrite");
      const range = IDBKeyRange.bound([conversationId, seq], [conversationId, Infinity]);
      for (let c = await tx.store.index("conversationSeq").openCursor(range); c; c = await c.continue())
        await c.delete();
      await tx.done;
    });
    this.announce({ kind: "turns", conversationId });
  }

  async deleteTurn(turnId: string, conversationId: string): Promise<void> {
    await this.write("the deletion", () => this.db.delete("turns", turnId));
    this.announce({ kind: "turns", conversationId });
  }

  async addRoute(stat: RouteStat): Promise<void> {
    await this.write("the routing statistics", () => this.db.add("routes", stat));
    this.announce({ kind: "routes" });
  }

  async routes(since = 0): Promise<RouteStat[]> {
    return this.db.getAllFromIndex("routes", "at", IDBKeyRange.lowerBound(since));
  }

  /** The newest `count` routing decisions, oldest first (what the cloud budget's window needs). */
  async recentRoutes(count: number): Promise<RouteStat[]> {
    const recent: RouteStat[] = [];
    const index = this.db.transaction("routes").store.index("at");
    for (let c = await index.openCursor(null, "prev"); c && recent.length < count; c = await c.continue())
      recent.push(c.value);
    return recent.reverse();
  }

  /** Conversations whose title or text contains every word of the query (case-insensitive). */
  async search(query: string): Promise<Conversation[]> {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const conversations = await this.listConversations();
    if (words.length === 0) return conversations;
    const texts = new Map<string, string>(conversations.map((c) => [c.id, c.title.toLowerCase()]));
    for (const t of await this.db.getAll("turns")) {
      const prev = texts.get(t.conversationId);
      if (prev !== undefined) texts.set(t.conversationId, `${prev}\n${t.user}\n${t.answer}`.toLowerCase());
    }
    return conversations.filter((c) => words.every((w) => texts.get(c.id)?.includes(w)));
  }

  /**
   * Turns left "streaming" by a tab that is gone (reload or crash mid-answer) become
   * "interrupted", keeping the text flushed so far. `isOrphan` tells a dead tab's turn from one
   * another tab is still writing.
   */
  async recoverInterrupted(isOrphan: (turnId: string) => Promise<boolean>): Promise<Turn[]> {
    const streaming = await this.db.getAllFromIndex("turns", "status", "streaming");
    const recovered: Turn[] = [];
    for (const t of streaming) {
      if (!(await isOrphan(t.id))) continue;
      const turn = { ...t, status: "interrupted" as const };
      await this.putTurn(turn);
      recovered.push(turn);
    }
    return recovered;
  }

  async allConversationsWithTurns(): Promise<Array<Conversation & { turns: Turn[] }>> {
    const tx = this.db.transaction(["conversations", "turns"]);
    const conversations = await tx.objectStore("conversations").getAll();
    const byConversation = new Map<string, Turn[]>();
    for (const t of await tx.objectStore("turns").index("conversationSeq").getAll()) {
      const list = byConversation.get(t.conversationId);
      if (list) list.push(t);
      else byConversation.set(t.conversationId, [t]);
    }
    return conversations.map((c) => ({ ...c, turns: byConversation.get(c.id) ?? [] }));
  }

  /**
   * Adds conversations in one transaction: all or nothing. Ids already in use get fresh ones, so
   * nothing that exists is overwritten.
   */
  async addConversations(items: ReadonlyArray<Conversation & { turns: Turn[] }>): Promise<void> {
    await this.write("the imported conversations", async () => {
      const tx = this.db.transaction(["conversations", "turns"], "readwrite");
      const conversations = tx.objectStore("conversations");
      const turns = tx.objectStore("turns");
      for (const item of items) {
        const { turns: itemTurns, ...conversation } = item;
        const id = (await conversations.get(conversation.id)) ? crypto.randomUUID() : conversation.id;
        await conversations.add({ ...conversation, id });
        for (const t of itemTurns) {
          const turnId = (await turns.get(t.id)) ? crypto.randomUUID() : t.id;
          await turns.add({ ...t, id: turnId, conversationId: id });
        }
      }
      await tx.done;
    });
    this.announce({ kind: "conversations" });
  }
}
