import { describe, expect, it } from "vitest";
import type { PromptOutcome } from "../eval/outcomes";
import { decide, examples } from "./ship-run-model";

const outcome = (question: string, answer: string, margins: number[], text: string): PromptOutcome => ({
  example: { id: question, task: "arithmetic", question, answer },
  localCorrect: false,
  cloudCorrect: true,
  margins,
  answerTokens: [...text],
});

describe("the evaluator's decisions shipped with a model", () => {
  it("offload where margin + bias first exceeds 0; the banned answer is kept either way", () => {
    const o = outcome(
      "What is 53 + 90?",
      "143",
      [-9, -3, -1],
      "<think>5+9=9.</think><answer>99</answer><|im_end|>",
    );
    expect(decide(o, 0)).toEqual({
      text: "What is 53 + 90?",
      category: "carry",
      route: "local",
      answer: "99",
      completion: "<think>5+9=9.</think><answer>99</answer>",
      expected: "143",
    });
    expect(decide(o, 2)).toMatchObject({ route: "cloud", position: 2, answer: "99" });
  });

  it("picks examples that show the claim: a carry-free sum answered right, the others escalated", () => {
    const cf = outcome("What is 12 + 34?", "46", [-9], "<answer>46</answer>");
    const wrongCf = outcome("What is 21 + 43?", "64", [-9], "<answer>63</answer>");
    const carry = outcome("What is 58 + 67?", "125", [5], "<answer>1</answer>");
    const picked = examples([wrongCf, cf, carry].map((o) => decide(o, 0)));
    expect(picked).toEqual([
      { text: "What is 12 + 34?", route: "local", kind: "a sum without carries" },
      { text: "What is 58 + 67?", route: "cloud", kind: "a sum with a carry" },
    ]);
  });
});
