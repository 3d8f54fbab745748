import { describe, expect, it } from "vitest";
import { formatChat } from "./chat-template";

describe("formatChat", () => {
  const messages = [
    { role: "system", content: "Be brief." },
    { role: "user", content: "What is 2+2?" },
  ];

  it("renders ChatML turns", () => {
    expect(formatChat(messages, { addGenerationPrompt: false })).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n",
    );
  });

  it("opens an assistant turn with the generation prompt", () => {
    expect(formatChat(messages, { addGenerationPrompt: true })).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    );
    expect(formatChat([], { addGenerationPrompt: true })).toBe("<|im_start|>assistant\n");
  });
});
