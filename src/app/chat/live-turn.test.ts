import { describe, expect, it, vi } from "vitest";
import type { Turn } from "../../core/store";
import { LiveTurn } from "./live-turn";

const turn = (answer: string): Turn => ({
  id: "t",
  conversationId: "c",
  seq: 0,
  user: "u",
  answer,
  source: "local",
  status: "streaming",
  createdAt: 0,
  updatedAt: 0,
});

describe("LiveTurn", () => {
  it("holds the latest state of its turn and tells its subscribers of each change", () => {
    const live = new LiveTurn(turn(""));
    const listener = vi.fn();
    const unsubscribe = live.subscribe(listener);
    const next = turn("4");
    live.set(next);
    expect(live.get()).toBe(next);
    expect(live.id).toBe("t");
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    live.set(turn("42"));
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
