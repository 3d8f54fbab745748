import { describe, expect, it } from "vitest";
import { extractAnswer, hasAnswerFormat } from "./completion-format";
import {
  formatPrompt,
  isOffload,
  OFFLOAD_TOKEN,
  offloadCutPoints,
  solutionCompletion,
} from "./prompt-format";
import type { TaskExample } from "./types";

const example: TaskExample = { id: "a-1", task: "arithmetic", question: "What is 12 * 3 + 5?", answer: "41" };

describe("formatPrompt", () => {
  it("asks for think, answer or the offload token, then ends with the question", () => {
    const prompt = formatPrompt(example);
    expect(prompt.endsWith("\n\nWhat is 12 * 3 + 5?")).toBe(true);
    expect(prompt).toContain("<think></think>");
    expect(prompt).toContain("<answer></answer>");
    expect(prompt).toContain(`write ${OFFLOAD_TOKEN} to ask`);
  });
});

describe("offloadCutPoints", () => {
  it("allows an offload right after each step's '='", () => {
    const completion = "<think>2+5=7. 4+3=7.</think><answer>77</answer>";
    const cuts = offloadCutPoints(completion);
    expect(cuts.map((c) => completion.slice(0, c))).toEqual(["<think>2+5=", "<think>2+5=7. 4+3="]);
    expect(offloadCutPoints("<think></think><answer>1</answer>")).toEqual([]);
  });
});

describe("solutionCompletion", () => {
  it("wraps the reasoning and the reference answer in the paper's format", () => {
    const completion = solutionCompletion(example, "12*3=36. 36+5=41.");
    expect(completion).toBe("<think>12*3=36. 36+5=41.</think><answer>41</answer>");
    expect(hasAnswerFormat(completion)).toBe(true);
    expect(extractAnswer(completion)).toBe("41");
  });
});

describe("isOffload", () => {
  it.each([
    [OFFLOAD_TOKEN],
    [`<think>this needs calculus</think>${OFFLOAD_TOKEN}`],
    ["<unknown> I need external assistance </unknown>"],
    ["<think>hard</think><unknown>I need\nexternal   assistance</unknown>"],
  ])("recognises %j", (completion) => {
    expect(isOffload(completion)).toBe(true);
  });

  it.each([
    ["<think>easy</think><answer>41</answer>"],
    ["<|offload"],
    ["<unknown>I need help</unknown>"],
    ["I need external assistance"],
  ])("does not treat %j as a request", (completion) => {
    expect(isOffload(completion)).toBe(false);
  });
});
