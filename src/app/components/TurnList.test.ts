import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import type { Turn } from "../../core/store";
import { ErrorBoundary } from "./ErrorBoundary";
import { TurnList, TurnRow, UnreadableTurn } from "./TurnList";

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
    const actions = { answerLocally: vi.fn(), regenerate: vi.fn(), edit: vi.fn(), remove: vi.fn() };
    const turns = [{ id: "a" }, { id: "b" }] as unknown as Turn[];
    const rows = TurnList({ turns, busy: false, actions });
    expect(rows.map((row) => [row.type, row.key])).toEqual([
      [TurnRow, "a"],
      [TurnRow, "b"],
    ]);
    // The memoised component's own render function.
    const row = (TurnRow as unknown as { type: (props: unknown) => ReactElement }).type;
    const boundary = row(rows[1]!.props);
    expect(boundary.type).toBe(ErrorBoundary);
    const { fallback } = boundary.props as {
      fallback: (reason: string) => ReactElement<{ onDelete: () => void }>;
    };
    const unreadable = fallback("bad record");
    expect(unreadable.type).toBe(UnreadableTurn);
    unreadable.props.onDelete();
    expect(actions.remove).toHaveBeenCalledWith("b");
  });
});
