import { Template } from "@huggingface/jinja";
import { describe, expect, it } from "vitest";
import { CHATML, chatFormatOf, LLAMA3 } from "./chat-template";

const messages = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "What is 2+2?" },
];

describe("chat formats", () => {
  it("renders ChatML turns, and opens an assistant turn with the generation prompt", () => {
    expect(CHATML.render(messages, { addGenerationPrompt: false })).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n",
    );
    expect(CHATML.render(messages, { addGenerationPrompt: true })).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    );
    expect(CHATML.render([], { addGenerationPrompt: true })).toBe("<|im_start|>assistant\n");
  });

  it("renders Llama 3's headers after <|begin_of_text|>, with no system message of its own", () => {
    expect(LLAMA3.render([messages[1]!], { addGenerationPrompt: true })).toBe(
      "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
    );
  });

  for (const format of [CHATML, LLAMA3])
    it(`${format.name}: the model file's Jinja template renders what training renders`, () => {
      const template = new Template(format.jinja);
      for (const addGenerationPrompt of [false, true])
        for (const turns of [messages, messages.slice(1), [{ role: "user", content: "Größe {x} \\n 'q'" }]])
          expect(template.render({ messages: turns, add_generation_prompt: addGenerationPrompt })).toBe(
            format.render(turns, { addGenerationPrompt }),
          );
    });

  it("is chosen by the tokenizer's special tokens, and a tokenizer with neither is refused clearly", () => {
    const vocabulary = (tokens: string[]) => ({ idOf: (t: string) => (tokens.includes(t) ? 1 : undefined) });
    expect(chatFormatOf(vocabulary(["<|im_start|>", "<|im_end|>", "<|endoftext|>"]))).toBe(CHATML);
    expect(
      chatFormatOf(
        vocabulary([
          "<|begin_of_text|>",
          "<|start_header_id|>",
          "<|end_header_id|>",
          "<|eot_id|>",
          "<|finetune_right_pad_id|>",
        ]),
      ),
    ).toBe(LLAMA3);
    expect(() => chatFormatOf(vocabulary(["<|im_start|>"]))).toThrow(
      /neither ChatML's tokens .*nor Llama 3's/,
    );
  });
});
