/**
 * ChatML, the chat format the tiny model is trained on: `<|im_start|>role\ncontent<|im_end|>\n` per
 * message, then `<|im_start|>assistant\n` to prompt a reply. CHATML_JINJA is the same format as a
 * Jinja template for the exported model file (the app's engine renders it); keep the two in step.
 */

export interface ChatTurn {
  role: string;
  content: string;
}

export const CHATML_JINJA =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export function formatChat(
  messages: readonly ChatTurn[],
  { addGenerationPrompt }: { addGenerationPrompt: boolean },
): string {
  const turns = messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join("");
  return addGenerationPrompt ? `${turns}<|im_start|>assistant\n` : turns;
}
