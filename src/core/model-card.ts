/**
 * A model card says how a post-trained model must be used, and where it came from. The training
 * package writes it into the GGUF's metadata (`tandem.card`) and into `tandem-model.json` for MLC
 * exports (training/src/export/model-card.ts); both engines read it here and use the model exactly as
 * the evaluator did: the user's message wrapped in the task instructions it was trained on, greedy
 * decoding, and the offload bias b on `<|offload|>` at every position, so the app's decisions are
 * the evaluator's. Models without a card keep the chat template and prompted escalation.
 */

import { z } from "zod";
import type { ChatMessage, GenerateOptions } from "./engines/types";

export const MODEL_CARD_KEY = "tandem.card";

const text = (max: number) => z.string().min(1).max(max);
const share = z.number().min(0).max(1);

export const modelCardSchema = z.object({
  format: z.literal("tandem.card"),
  version: z.literal(1),
  summary: text(600),
  userTemplate: text(4000).refine((t) => t.includes("{message}"), "must contain {message}"),
  singleTurn: z.boolean(),
  stopTokens: z.array(text(64)).max(8),
  offload: z.object({
    token: text(64),
    tokenId: z.number().int().nonnegative(),
    bias: z.number().min(-100).max(100),
    budget: share,
  }),
  decoding: z.object({
    temperature: z.number().min(0).max(2),
    maxTokens: z.number().int().min(1).max(32_768),
  }),
  provenance: z.object({
    method: text(200),
    task: text(300),
    command: text(300),
    date: text(40),
    seed: z.number().int(),
    evaluation: z.object({
      testPrompts: z.number().int().nonnegative(),
      systemAccuracy: share,
      cloudRate: share,
      localAccuracy: share,
    }),
  }),
  examples: z.array(z.object({ text: text(500), route: z.enum(["local", "cloud"]), kind: text(100) })).max(6),
});

export type ModelCard = z.infer<typeof modelCardSchema>;

export class ModelCardError extends Error {
  override name = "ModelCardError";
}

/** A card from its JSON text or already-parsed value, or a specific error. */
export function parseModelCard(value: unknown): ModelCard {
  let data = value;
  if (typeof value === "string") {
    try {
      data = JSON.parse(value);
    } catch {
      throw new ModelCardError("The model card is not JSON.");
    }
  }
  const parsed = modelCardSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new ModelCardError(`The model card is invalid${where}: ${issue?.message ?? "wrong format"}.`);
  }
  return parsed.data;
}

/** The prompt the card's model was trained on: the last user message, wrapped in its instructions. */
export function cardMessages(card: ModelCard, messages: readonly ChatMessage[]): ChatMessage[] {
  const wrap = (content: string) => card.userTemplate.replace("{message}", () => content);
  if (!card.singleTurn)
    return messages.map((m) => (m.role === "user" ? { ...m, content: wrap(m.content) } : m));
  const last = messages.findLast((m) => m.role === "user");
  return last ? [{ role: "user", content: wrap(last.content.trim()) }] : [];
}

/**
 * Decoding as the card says: its temperature and length, and the offload bias at every position. A
 * caller's own bias on the offload token (the router's ban) wins over the card's.
 */
export function cardOptions(card: ModelCard, options: GenerateOptions): GenerateOptions {
  return {
    ...options,
    temperature: card.decoding.temperature,
    maxTokens: Math.min(options.maxTokens ?? card.decoding.maxTokens, card.decoding.maxTokens),
    logitBias: { [card.offload.tokenId]: card.offload.bias, ...options.logitBias },
  };
}

/** A request as the engine must make it: as the card says, or unchanged for a model without one. */
export function followCard(
  card: ModelCard | undefined,
  messages: readonly ChatMessage[],
  options: GenerateOptions,
): { messages: readonly ChatMessage[]; options: GenerateOptions } {
  return card
    ? { messages: cardMessages(card, messages), options: cardOptions(card, options) }
    : { messages, options };
}
