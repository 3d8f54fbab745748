import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { ErrorBoundary, reasonOf } from "./ErrorBoundary";

// There is no DOM here to mount a tree that throws (and the server renderer ignores boundaries),
// so the boundary's parts are exercised one by one, as React calls them.
function boundary(resetKey?: unknown) {
  return new ErrorBoundary({
    fallback: (reason) => createElement("p", null, `could not be shown: ${reason}`),
    resetKey,
    children: createElement("p", null, "the turn"),
  });
}

describe("ErrorBoundary", () => {
  it("renders its children until they throw", () => {
    expect(renderToStaticMarkup(boundary().render())).toBe("<p>the turn</p>");
  });

  it("renders the fallback with the reason once a child has thrown", () => {
    const b = boundary();
    b.state = ErrorBoundary.getDerivedStateFromError(
      new TypeError("r.estimatedCostUsd.toFixed is not a function"),
    );
    expect(renderToStaticMarkup(b.render())).toBe(
      "<p>could not be shown: r.estimatedCostUsd.toFixed is not a function</p>",
    );
  });

  it("tries the children again when the reset key changes, not before", () => {
    const b = boundary("turn v2");
    b.state = { reason: "broken" };
    const setState = vi.spyOn(b, "setState").mockImplementation(() => undefined);
    b.componentDidUpdate({ ...b.props, resetKey: "turn v2" });
    expect(setState).not.toHaveBeenCalled();
    b.componentDidUpdate({ ...b.props, resetKey: "turn v1" });
    expect(setState).toHaveBeenCalledWith({ reason: undefined });
  });
});

describe("reasonOf", () => {
  it.each([
    ["an error", new Error("boom"), "boom"],
    ["an error without a message", new RangeError(), "RangeError"],
    ["a string", "plain", "plain"],
    ["a number", 31, "31"],
    ["an object without toString", Object.create(null), "an unknown error"],
    [
      "an object whose toString throws",
      {
        toString() {
          throw new Error("no");
        },
      },
      "an unknown error",
    ],
  ])("words %s", (_name, thrown, reason) => {
    expect(reasonOf(thrown)).toBe(reason);
  });
});
