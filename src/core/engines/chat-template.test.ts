import { describe, expect, it } from "vitest";
import { ChatTemplate } from "./chat-template";

describe("ChatTemplate", () => {
  it("falls back to ChatML and ends with the assistant turn", () => {
    const prompt = new ChatTemplate(undefined).render([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ]);
    expect(prompt).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
    );
  });

  it("renders a model's own template with its special tokens", () => {
    const llama =
      "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n{{ m['content'] }}<|eot_id|>{% endfor %}{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}";
    const prompt = new ChatTemplate(llama, { bos_token: "<|begin_of_text|>" }).render([
      { role: "user", content: "Hi" },
    ]);
    expect(prompt).toBe(
      "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
    );
  });
});
