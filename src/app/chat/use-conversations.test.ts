import { describe, expect, it } from "vitest";
import type { Conversation } from "../../core/store";
import { listUpdate, withConversation } from "./use-conversations";

const c = (id: string, updatedAt: number): Conversation => ({ id, title: id, createdAt: 0, updatedAt });
const ids = (list: Conversation[]) => list.map((x) => x.id);
const list = [c("a", 30), c("b", 20), c("c", 10)];

describe("withConversation", () => {
  it("keeps the list most recent first", () => {
    expect(ids(withConversation(list, c("new", 40)))).toEqual(["new", "a", "b", "c"]);
    expect(ids(withConversation(list, c("c", 25)))).toEqual(["a", "c", "b"]);
    expect(ids(withConversation(list, c("old", 5)))).toEqual(["a", "b", "c", "old"]);
  });
});

describe("listUpdate", () => {
  it("puts a created conversation in the list without reading it again", () => {
    expect(ids(listUpdate({ kind: "conversations", created: c("new", 40) })!(list))).toEqual([
      "new",
      "a",
      "b",
      "c",
    ]);
  });

  it("moves a conversation up when a turn is saved in it, as the store does", () => {
    const update = listUpdate({ kind: "turns", conversationId: "c", updatedAt: 50 })!;
    expect(update(list)).toEqual([c("c", 50), c("a", 30), c("b", 20)]);
    const older = listUpdate({ kind: "turns", conversationId: "a", updatedAt: 25 })!;
    expect(older(list)).toBe(list);
  });

  it("leaves the list as it is when a turn is deleted", () => {
    expect(listUpdate({ kind: "turns", conversationId: "c" })!(list)).toBe(list);
  });

  it("asks for the list to be read again after a rename, a deletion or an import", () => {
    expect(listUpdate({ kind: "conversations" })).toBeUndefined();
  });
});
