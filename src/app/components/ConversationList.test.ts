import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { UnreadableConversation } from "./ConversationList";

describe("UnreadableConversation", () => {
  it("shows an unreadable conversation's reason with a way to delete it", () => {
    const html = renderToStaticMarkup(
      UnreadableConversation({ reason: "bad title", onDelete: () => undefined }),
    );
    expect(html).toContain("This conversation could not be shown: bad title");
    expect(html).toContain('aria-label="Delete this conversation"');
  });
});
