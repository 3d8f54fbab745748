import "fake-indexeddb/auto";
import { openDB } from "idb";
import { afterEach, describe, expect, it } from "vitest";
import {
  ArchiveError,
  conversationMarkdown,
  exportArchive,
  importArchive,
  parseArchive,
} from "./conversation-archive";
import { ChatStore, STORE_VERSION, StoreError, type Turn } from "./store";

let n = 0;
const open: ChatStore[] = [];
async function freshStore(name = `test-${n++}`): Promise<ChatStore> {
  const s = await ChatStore.open({ name });
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function turn(conversationId: string, seq: number, over: Partial<Turn> = {}): Turn {
  return {
    id: `${conversationId}-t${seq}`,
    conversationId,
    seq,
    user: `question ${seq}`,
    answer: `answer ${seq}`,
    source: "local",
    status: "done",
    createdAt: 1000 + seq,
    updatedAt: 1000 + seq,
    ...over,
  };
}

describe("ChatStore", () => {
  it("keeps conversations most recent first and their turns in order", async () => {
    const s = await freshStore();
    const a = await s.createConversation("A", 1);
    const b = await s.createConversation("B", 2);
    await s.putTurn(turn(a.id, 1, { updatedAt: 50 }));
    await s.putTurn(turn(a.id, 0, { updatedAt: 40 }));
    expect((await s.listConversations()).map((c) => c.title)).toEqual(["A", "B"]);
    expect((await s.turns(a.id)).map((t) => t.seq)).toEqual([0, 1]);
    expect(await s.turns(b.id)).toEqual([]);
  });

  it("renames, deletes with turns, and keeps route statistics", async () => {
    const s = await freshStore();
    const c = await s.createConversation("old");
    await s.putTurn(turn(c.id, 0));
    await s.addRoute({
      at: 5,
      conversationId: c.id,
      turnId: "x",
      route: "cloud",
      localTokens: 3,
      cloudInputTokens: 10,
      cloudOutputTokens: 20,
      costUsd: 0.001,
    });
    await s.renameConversation(c.id, "new");
    expect((await s.getConversation(c.id))?.title).toBe("new");
    await s.deleteConversation(c.id);
    expect(await s.listConversations()).toEqual([]);
    expect(await s.turns(c.id)).toEqual([]);
    expect((await s.routes()).map((r) => r.route)).toEqual(["cloud"]);
    expect(await s.routes(6)).toEqual([]);
  });

  it("deletes the turns from a position on (edit and resend)", async () => {
    const s = await freshStore();
    const c = await s.createConversation("c");
    for (const i of [0, 1, 2, 3]) await s.putTurn(turn(c.id, i));
    await s.deleteTurnsFrom(c.id, 2);
    expect((await s.turns(c.id)).map((t) => t.seq)).toEqual([0, 1]);
    await s.deleteTurn(`${c.id}-t0`, c.id);
    expect((await s.turns(c.id)).map((t) => t.seq)).toEqual([1]);
  });

  it("searches titles and message text, every word", async () => {
    const s = await freshStore();
    const a = await s.createConversation("Trip to Lisbon");
    const b = await s.createConversation("Maths");
    await s.putTurn(turn(b.id, 0, { user: "what is 17 * 23", answer: "It is 391." }));
    await s.putTurn(turn(a.id, 0, { user: "pastel de nata", answer: "A custard tart." }));
    expect((await s.search("lisbon")).map((c) => c.id)).toEqual([a.id]);
    expect((await s.search("391 17")).map((c) => c.id)).toEqual([b.id]);
    expect(await s.search("tart 391")).toEqual([]);
    expect(await s.search("  ")).toHaveLength(2);
  });

  it("marks answers left streaming by a dead tab as interrupted, keeping their text", async () => {
    const s = await freshStore();
    const c = await s.createConversation("c");
    await s.putTurn(turn(c.id, 0, { status: "streaming", answer: "partial", id: "dead" }));
    await s.putTurn(turn(c.id, 1, { status: "streaming", answer: "live", id: "live" }));
    const recovered = await s.recoverInterrupted(async (id) => id === "dead");
    expect(recovered.map((t) => t.id)).toEqual(["dead"]);
    const turns = await s.turns(c.id);
    expect(turns.map((t) => [t.status, t.answer])).toEqual([
      ["interrupted", "partial"],
      ["streaming", "live"],
    ]);
  });

  it("tells this tab and other connections (tabs) what changed, and where", async () => {
    const name = `shared-${n++}`;
    const tab1 = await freshStore(name);
    const tab2 = await freshStore(name);
    const here: unknown[] = [];
    const there: unknown[] = [];
    tab1.subscribe((c, origin) => here.push([c, origin]));
    tab2.subscribe((c, origin) => there.push([c, origin]));
    const c = await tab1.createConversation("hello");
    await tab1.putTurn(turn(c.id, 0));
    await tab1.deleteTurn(`${c.id}-t0`, c.id);
    await new Promise((r) => setTimeout(r, 50));
    const changes = [
      { kind: "conversations", created: c },
      { kind: "turns", conversationId: c.id, updatedAt: 1000 },
      { kind: "turns", conversationId: c.id },
    ];
    expect(here).toEqual(changes.map((change) => [change, "this-tab"]));
    expect(there).toEqual(changes.map((change) => [change, "other-tab"]));
    expect(await tab2.getConversation(c.id)).toEqual(c);
  });

  it("upgrades a version-1 database in place, keeping its turns and finding the ones left streaming", async () => {
    const name = `v1-${n++}`;
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore("conversations", { keyPath: "id" }).createIndex("updatedAt", "updatedAt");
        const turns = db.createObjectStore("turns", { keyPath: "id" });
        turns.createIndex("conversationId", "conversationId");
        turns.createIndex("conversationSeq", ["conversationId", "seq"]);
        db.createObjectStore("routes", { keyPath: "id", autoIncrement: true }).createIndex("at", "at");
      },
    });
    await v1.put("conversations", { id: "c", title: "old", createdAt: 1, updatedAt: 1 });
    await v1.put("turns", turn("c", 0));
    await v1.put("turns", turn("c", 1, { id: "cut", status: "streaming", answer: "half" }));
    v1.close();
    const s = await freshStore(name);
    expect(STORE_VERSION).toBeGreaterThan(1);
    expect((await s.recoverInterrupted(async () => true)).map((t) => t.id)).toEqual(["cut"]);
    expect((await s.turns("c")).map((t) => [t.status, t.answer])).toEqual([
      ["done", "answer 0"],
      ["interrupted", "half"],
    ]);
  });

  it("reads only the newest routing decisions, oldest first", async () => {
    const s = await freshStore();
    for (const at of [30, 10, 50, 20, 40])
      await s.addRoute({
        at,
        conversationId: "c",
        turnId: `t${at}`,
        route: "local",
        localTokens: 1,
        cloudInputTokens: 0,
        cloudOutputTokens: 0,
        costUsd: 0,
      });
    expect((await s.recentRoutes(3)).map((r) => r.at)).toEqual([30, 40, 50]);
    expect((await s.recentRoutes(10)).map((r) => r.at)).toEqual([10, 20, 30, 40, 50]);
  });

  it("refuses a database written by a newer schema with a clear message", async () => {
    const name = `newer-${n++}`;
    (await openDB(name, STORE_VERSION + 1)).close();
    await expect(ChatStore.open({ name })).rejects.toThrow(StoreError);
    await expect(ChatStore.open({ name })).rejects.toThrow(/newer version of Tandem/);
  });

  it("closes its connection when another tab upgrades the schema", async () => {
    const name = `upgrade-${n++}`;
    let told = false;
    const s = await ChatStore.open({ name, onVersionChange: () => (told = true) });
    const newer = await openDB(name, STORE_VERSION + 1);
    expect(told).toBe(true);
    newer.close();
    expect(s).toBeDefined();
  });
});

describe("conversation archive", () => {
  it("round-trips every conversation through JSON into another store", async () => {
    const from = await freshStore();
    const c = await from.createConversation("Keep me", 10);
    await from.putTurn(turn(c.id, 0, { answer: "**bold** and `code`" }));
    await from.putTurn(turn(c.id, 1, { status: "streaming" }));
    const json = JSON.stringify(await exportArchive(from, new Date(0)));

    const to = await freshStore();
    const existing = await to.createConversation("Already here");
    expect(await importArchive(to, json)).toEqual({ conversations: 1, turns: 2 });
    const list = await to.listConversations();
    expect(list.map((x) => x.title).sort()).toEqual(["Already here", "Keep me"]);
    const imported = list.find((x) => x.title === "Keep me");
    const turns = await to.turns(imported?.id ?? "");
    expect(turns.map((t) => [t.answer, t.status])).toEqual([
      ["**bold** and `code`", "done"],
      ["answer 1", "interrupted"],
    ]);
    expect(await to.getConversation(existing.id)).toEqual(existing);
  });

  it("gives fresh ids when importing into a store that has the same ids, overwriting nothing", async () => {
    const s = await freshStore();
    const c = await s.createConversation("original");
    await s.putTurn(turn(c.id, 0, { answer: "original answer" }));
    const json = JSON.stringify(await exportArchive(s));
    await importArchive(s, json);
    const list = await s.listConversations();
    expect(list).toHaveLength(2);
    expect(new Set(list.map((x) => x.id)).size).toBe(2);
    expect((await s.turns(c.id)).map((t) => t.answer)).toEqual(["original answer"]);
  });

  it.each([
    ["not json", "{", /not JSON/],
    ["another file", JSON.stringify({ hello: 1 }), /not a Tandem conversations export/],
    [
      "a newer format",
      JSON.stringify({ format: "tandem.conversations", version: 9, conversations: [] }),
      /newer Tandem/,
    ],
    [
      "a damaged turn",
      JSON.stringify({
        format: "tandem.conversations",
        version: 1,
        exportedAt: "x",
        conversations: [{ id: "a", title: "t", createdAt: 1, updatedAt: 1, turns: [{ id: "t", seq: -1 }] }],
      }),
      /damaged: .* at conversations\.0\.turns\.0/,
    ],
  ])("rejects %s with a reason", (_name, json, reason) => {
    expect(() => parseArchive(json)).toThrow(ArchiveError);
    expect(() => parseArchive(json)).toThrow(reason);
  });

  it("writes nothing when a file is rejected", async () => {
    const s = await freshStore();
    await s.createConversation("mine");
    await expect(importArchive(s, '{"format":"tandem.conversations","version":1}')).rejects.toThrow(
      ArchiveError,
    );
    expect((await s.listConversations()).map((c) => c.title)).toEqual(["mine"]);
  });

  it("writes one markdown document per conversation with who answered", () => {
    const md = conversationMarkdown({ id: "c", title: "Sums", createdAt: 0, updatedAt: 0 }, [
      turn("c", 0, { user: "2+2?", answer: "4", source: "cloud" }),
      turn("c", 1, { user: "hi", answer: "hello", status: "stopped" }),
    ]);
    expect(md).toContain("# Sums");
    expect(md).toContain("## You\n\n2+2?");
    expect(md).toContain("## Tandem (cloud)\n\n4");
    expect(md).toContain("## Tandem (on device) (stopped)\n\nhello");
  });
});
