import { describe, expect, it } from "vitest";
import { cardMessages, cardOptions, type ModelCard, ModelCardError, parseModelCard } from "./model-card";

const CARD: ModelCard = {
  format: "tandem.card",
  version: 1,
  summary: "Answers carry-free sums, asks for the rest.",
  userTemplate: "Work it out or ask.\n\n{message}",
  singleTurn: true,
  stopTokens: ["<|im_end|>"],
  offload: { token: "<|offload|>", tokenId: 299, bias: 4.05, budget: 0.3 },
  decoding: { temperature: 0, maxTokens: 64 },
  provenance: {
    method: "GAPG",
    task: "sums",
    command: "npm run make-demo-model",
    date: "2026-12-01",
    seed: 1,
    evaluation: { testPrompts: 492, systemAccuracy: 0.957, cloudRate: 0.315, localAccuracy: 0.938 },
  },
  examples: [{ text: "What is 712 + 233?", route: "local", kind: "a sum without carries" }],
};

describe("model card", () => {
  it("parses a card from JSON text and refuses broken ones with where and why", () => {
    expect(parseModelCard(JSON.stringify(CARD))).toEqual(CARD);
    expect(() => parseModelCard("{")).toThrow(new ModelCardError("The model card is not JSON."));
    expect(() => parseModelCard({ ...CARD, userTemplate: "no placeholder" })).toThrow(
      /invalid at userTemplate: must contain \{message\}/,
    );
    expect(() => parseModelCard({ ...CARD, offload: { ...CARD.offload, bias: 1e308 } })).toThrow(
      /invalid at offload\.bias/,
    );
  });

  it("prompts with the last user message wrapped in the trained instructions", () => {
    const messages = cardMessages(CARD, [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "What is 1 + 2?" },
      { role: "assistant", content: "3" },
      { role: "user", content: " What is 712 + 233? " },
    ]);
    expect(messages).toEqual([{ role: "user", content: "Work it out or ask.\n\nWhat is 712 + 233?" }]);
    // `$&` in a message is text, not a replacement pattern.
    expect(cardMessages(CARD, [{ role: "user", content: "$& x" }])[0]!.content).toBe(
      "Work it out or ask.\n\n$& x",
    );
  });

  it("decodes as evaluated: greedy, its length, the offload bias; a caller's ban wins", () => {
    expect(cardOptions(CARD, { temperature: 0.7, maxTokens: 512 })).toEqual({
      temperature: 0,
      maxTokens: 64,
      logitBias: { 299: 4.05 },
    });
    expect(cardOptions(CARD, { logitBias: { 299: -100 } }).logitBias).toEqual({ 299: -100 });
  });
});
