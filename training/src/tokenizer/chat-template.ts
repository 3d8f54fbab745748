/**
 * The chat formats a policy is trained in, chosen by the tokenizer's special tokens: ChatML (Qwen2,
 * the tiny model: `<|im_start|>role\ncontent<|im_end|>\n` per message, `<|im_start|>assistant\n` to
 * prompt a reply) and Llama 3's headers (Llama-3.2: `<|begin_of_text|>`, then
 * `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>` per message). No system message is
 * added: a trained model's card sends the user's message alone, and the exported templates (GGUF,
 * MLC) render exactly this. Each format's Jinja template is the same format for the model file (the
 * app's engine renders it); a test renders both and compares.
 */

export interface ChatTurn {
  role: string;
  content: string;
}

export interface ChatFormat {
  name: "chatml" | "llama-3";
  /** Ends an assistant's turn (the model's stop token). */
  endOfTurn: string;
  /** Fills the rows of a batch past a sequence's end (never attended to, never scored). */
  padding: string;
  /** The checkpoints' bos_token_id (Qwen2.5 names <|endoftext|>; Llama 3 <|begin_of_text|>). */
  bos: string;
  render(messages: readonly ChatTurn[], options: { addGenerationPrompt: boolean }): string;
  jinja: string;
}

export const CHATML: ChatFormat = {
  name: "chatml",
  endOfTurn: "<|im_end|>",
  padding: "<|endoftext|>",
  bos: "<|endoftext|>",
  render: (messages, { addGenerationPrompt }) => {
    const turns = messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join("");
    return addGenerationPrompt ? `${turns}<|im_start|>assistant\n` : turns;
  },
  jinja:
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
};

const header = (role: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n`;

export const LLAMA3: ChatFormat = {
  name: "llama-3",
  endOfTurn: "<|eot_id|>",
  // Llama 3 has no padding token; this reserved one is what Meta's fine-tuning recipes pad with.
  padding: "<|finetune_right_pad_id|>",
  bos: "<|begin_of_text|>",
  render: (messages, { addGenerationPrompt }) =>
    `<|begin_of_text|>${messages.map((m) => `${header(m.role)}${m.content}<|eot_id|>`).join("")}${
      addGenerationPrompt ? header("assistant") : ""
    }`,
  jinja:
    "{{ '<|begin_of_text|>' }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
};

const REQUIRED: Record<ChatFormat["name"], readonly string[]> = {
  chatml: ["<|im_start|>", "<|im_end|>", "<|endoftext|>"],
  "llama-3": [
    "<|begin_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
    "<|finetune_right_pad_id|>",
  ],
};

type Vocabulary = { idOf(token: string): number | undefined };

export const CHAT_FORMATS: Readonly<Record<ChatFormat["name"], ChatFormat>> = {
  chatml: CHATML,
  "llama-3": LLAMA3,
};

/** The format whose special tokens the tokenizer has (ChatML first), if any. */
export function findChatFormat(tokenizer: Vocabulary): ChatFormat | undefined {
  return Object.values(CHAT_FORMATS).find((f) =>
    REQUIRED[f.name].every((t) => tokenizer.idOf(t) !== undefined),
  );
}

/** The tokenizer's chat format, or a clear error. */
export function chatFormatOf(tokenizer: Vocabulary): ChatFormat {
  const format = findChatFormat(tokenizer);
  if (!format)
    throw new Error(
      "The tokenizer has no chat format this trainer knows: neither ChatML's tokens " +
        `(${REQUIRED.chatml.join(", ")}) nor Llama 3's (${REQUIRED["llama-3"].join(", ")}).`,
    );
  return format;
}
