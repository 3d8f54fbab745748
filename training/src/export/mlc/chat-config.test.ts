import { describe, expect, it } from "vitest";
import { fixtureTokenizer } from "../../fixtures/hf-checkpoint";
import { chatFormatOf } from "../../tokenizer/chat-template";
import { convTemplate } from "./chat-config";

describe("MLC conversation template", () => {
  for (const chat of ["chatml", "llama-3"] as const)
    it(`renders a trained model's prompt exactly as training did (${chat})`, () => {
      const tokenizer = fixtureTokenizer(chat);
      const format = chatFormatOf(tokenizer);
      const conv = convTemplate(tokenizer, undefined, true);
      // web-llm's Conversation.getPromptArray for one user message and the reply header: the system
      // block (none: empty message, render_empty_system_message false), then role + content
      // separator + message + separator, then the assistant's role + empty separator, after the
      // system prefix tokens.
      expect(conv).toMatchObject({ system_message: "", render_empty_system_message: false });
      const prefix = (conv.system_prefix_token_ids ?? []).map((id) =>
        tokenizer.decode([id], { skipSpecial: false }),
      );
      const rendered =
        prefix.join("") +
        `${conv.roles.user}${conv.role_content_sep}What is 12 + 30?${conv.seps[0]}` +
        `${conv.roles.assistant}${conv.role_empty_sep}`;
      expect(rendered).toBe(
        format.render([{ role: "user", content: "What is 12 + 30?" }], { addGenerationPrompt: true }),
      );
      // A model without a card keeps MLC's default system message.
      expect(convTemplate(tokenizer, undefined).system_message).not.toBe("");
    });
});
