/**
 * Renders a conversation into the prompt text a model expects, from the Jinja chat template that
 * ships inside the model file (as Hugging Face and llama.cpp do). Rendering it ourselves lets the
 * engine use raw completions, whose stream reports control tokens such as `<|offload|>`.
 */

import { Template } from "@huggingface/jinja";
import type { ChatMessage } from "./types";

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export class ChatTemplate {
  private readonly template: Template;

  constructor(
    source: string | null | undefined,
    private readonly specials: { bos_token?: string; eos_token?: string } = {},
  ) {
    this.template = new Template(source || CHATML_TEMPLATE);
  }

  render(messages: readonly ChatMessage[]): string {
    return this.template.render({
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      add_generation_prompt: true,
      bos_token: this.specials.bos_token ?? "",
      eos_token: this.specials.eos_token ?? "",
    });
  }
}
