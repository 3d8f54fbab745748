/**
 * The model card: how to use an exported model, written once and carried in both of the app's
 * formats (the GGUF's metadata under `tandem.card`, and `tandem-model.json` for MLC exports). The
 * app's engines read it (src/core/model-card.ts) and use the model exactly as it was evaluated: the
 * user's message wrapped in the task instructions it was trained on, greedy decoding, and the
 * offload bias b on `<|offload|>` at every position.
 */

export const MODEL_CARD_KEY = "tandem.card";

export interface ModelCardExample {
  /** What the user types. */
  text: string;
  /** What the evaluator decided for it, at the card's bias. */
  route: "local" | "cloud";
  /** The category it stands for, in words ("a carry-free sum"). */
  kind: string;
}

export interface ModelCard {
  format: "tandem.card";
  version: 1;
  /** One line for a person: what the model answers itself and what it asks for. */
  summary: string;
  /** The user message as the model was trained on it; `{message}` is replaced by the user's text. */
  userTemplate: string;
  /** The model answers one message at a time: earlier turns are not part of its prompt. */
  singleTurn: boolean;
  stopTokens: string[];
  offload: {
    token: string;
    tokenId: number;
    /** Logit bias on the offload token at every position; puts the model at the budget. */
    bias: number;
    /** The share of prompts the bias was calibrated to send to the cloud (on validation prompts). */
    budget: number;
  };
  decoding: { temperature: number; maxTokens: number };
  provenance: {
    method: string;
    task: string;
    command: string;
    date: string;
    seed: number;
    /** On held-out test prompts, at the card's bias. */
    evaluation: {
      testPrompts: number;
      systemAccuracy: number;
      cloudRate: number;
      localAccuracy: number;
    };
  };
  /** Prompts a person can try, from the held-out test set, with what the evaluator decided. */
  examples: ModelCardExample[];
}
