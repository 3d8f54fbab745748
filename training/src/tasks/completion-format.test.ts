import { describe, expect, it } from "vitest";
import { extractAnswer, hasAnswerFormat, verdictFor } from "./completion-format";

describe("hasAnswerFormat", () => {
  it.each([
    ["<think>12*3=36.</think><answer>36</answer>"],
    ["<think></think><answer>36</answer>"],
    ["  <think>\nsome\nlines\n</think>\n\n<answer> 36 </answer>\n"],
    ["< think >a</ think ><answer >36</ answer>"],
  ])("accepts %j", (completion) => {
    expect(hasAnswerFormat(completion)).toBe(true);
  });

  it.each([
    ["36", "no tags at all"],
    ["<answer>36</answer>", "no think block"],
    ["<think>a</think>", "no answer block"],
    ["<answer>36</answer><think>a</think>", "blocks in the wrong order"],
    ["<think>a</think><answer>36", "answer never closed"],
    ["Sure! <think>a</think><answer>36</answer>", "text before the think block"],
    ["<think>a</think><answer>36</answer> hope this helps", "text after the answer"],
    ["<think>a</think>so<answer>36</answer>", "text between the blocks"],
    ["<think>a</think><answer>1</answer><answer>2</answer>", "two answer blocks"],
    ["<think>a <answer>1</answer></think><answer>2</answer>", "an answer inside the think block"],
    ["<think>a</think><think>b</think><answer>2</answer>", "two think blocks"],
  ])("rejects %j (%s)", (completion) => {
    expect(hasAnswerFormat(completion)).toBe(false);
  });
});

describe("extractAnswer", () => {
  it("takes the content of the last complete answer block, trimmed", () => {
    expect(extractAnswer("<think>x</think><answer> 41 </answer>")).toBe("41");
    expect(extractAnswer("<answer>1</answer> no wait <answer>2</answer>")).toBe("2");
    expect(extractAnswer("<answer>1 <answer>2</answer>")).toBe("2");
    expect(extractAnswer("<answer>\n(1, 2)\n</answer>")).toBe("(1, 2)");
  });

  it("ignores an unclosed trailing block and reports no answer when there is none", () => {
    expect(extractAnswer("<answer>1</answer><answer>2")).toBe("1");
    expect(extractAnswer("<think>the answer is 2</think>")).toBeUndefined();
    expect(extractAnswer("<answer>2")).toBeUndefined();
  });

  it("returns an empty string for an empty block", () => {
    expect(extractAnswer("<answer>  </answer>")).toBe("");
  });
});

describe("verdictFor", () => {
  const isFortyOne = (a: string) => a === "41";

  it("is correct and well formed for a right answer in the format", () => {
    expect(verdictFor("<think>ok</think><answer>41</answer>", isFortyOne)).toEqual({
      correct: true,
      formatOk: true,
      extracted: "41",
    });
  });

  it("judges correctness and format independently", () => {
    expect(verdictFor("<answer>41</answer>", isFortyOne)).toEqual({
      correct: true,
      formatOk: false,
      extracted: "41",
    });
    expect(verdictFor("<think>ok</think><answer>40</answer>", isFortyOne)).toEqual({
      correct: false,
      formatOk: true,
      extracted: "40",
    });
  });

  it("is never correct without an answer block, and does not ask the task", () => {
    let asked = false;
    const verdict = verdictFor("<think>41</think> 41", () => {
      asked = true;
      return true;
    });
    expect(verdict).toEqual({ correct: false, formatOk: false });
    expect(asked).toBe(false);
  });
});
