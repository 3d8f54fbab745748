import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { ErrorBoundary } from "./ErrorBoundary";
import { TurnList, UnreadableTurn } from "./TurnList";

describe("UnreadableTurn", () => {
  it("shows an unreadable turn's reason and a Delete button", () => {
    const element = UnreadableTurn({
      reason: "Objects are not valid as a React child",
      busy: false,
      onDelete: () => undefined,
    });
    const html = renderToStaticMarkup(element);
    expect(html).toContain("This message could not be shown: Objects are not valid as a React child");
    expect(html).toMatch(/<button[^>]*>Delete<\/button>/);
    expect(html).toContain('data-testid="turn"');
  });

  it("disables the turn's Delete while an answer is being written", () => {
    const html = renderToStaticMarkup(UnreadableTurn({ reason: "x", busy: true, onDelete: () => undefined }));
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Delete<\/button>/);
  });
});

describe("TurnList", () => {
  it("puts each turn in its own boundary, whose fallback deletes that turn", () => {
    const deleteTurn = vi.fn(async () => undefined);
    const chat = { turns: [{ id: "a" }, { id: "b" }], deleteTurn } as unknown as Parameters<
      typeof TurnList
    >[0]["chat"];
    const items = TurnList({ chat, busy: false, withContext: () => undefined });
    expect(items.map((item) => [item.type, item.key])).toEqual([
      [ErrorBoundary, "a"],
      [ErrorBoundary, "b"],
    ]);
    const { fallback } = items[1]!.props as {
      fallback: (reason: string) => ReactElement<{ onDelete: () => void }>;
    };
    const unreadable = fallback("bad record");
    expect(unreadable.type).toBe(UnreadableTurn);
    unreadable.props.onDelete();
    expect(deleteTurn).toHaveBeenCalledWith("b");
  });
});
