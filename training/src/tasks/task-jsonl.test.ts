import { describe, expect, it } from "vitest";
import { generateArithmetic } from "./arithmetic";
import { generateCountdown } from "./countdown";
import { readTaskJsonl, toJsonl } from "./task-jsonl";

describe("task JSONL files", () => {
  it("round-trips generated arithmetic and countdown examples", () => {
    const arithmetic = generateArithmetic(5, 1);
    expect(readTaskJsonl(toJsonl(arithmetic), "arithmetic")).toEqual(arithmetic);
    const countdown = generateCountdown(3, 2);
    expect(readTaskJsonl(toJsonl(countdown), "countdown")).toEqual(countdown);
  });

  it("accepts a hand-written arithmetic file with numeric answers and no ids", () => {
    const [e] = readTaskJsonl('{"question": "What is 2 + 2?", "answer": 4}\n\n', "arithmetic");
    expect(e).toEqual({ id: "arithmetic-1", task: "arithmetic", question: "What is 2 + 2?", answer: "4" });
  });

  it("names the line and the problem", () => {
    const ok = '{"question": "What is 1 + 1?", "answer": "2"}';
    expect(() => readTaskJsonl(`${ok}\n{"question": "x", "answer": "two"}`, "arithmetic")).toThrow(
      'line 2: "answer" must be an integer for arithmetic, got "two"',
    );
    expect(() => readTaskJsonl(`${ok}\n{oops`, "arithmetic")).toThrow(/line 2: not valid JSON/);
    expect(() => readTaskJsonl('{"answer": "2"}', "arithmetic")).toThrow(
      'line 1: needs a non-empty "question"',
    );
    expect(() => readTaskJsonl('{"question": "q", "answer": "1"}', "countdown")).toThrow(
      /line 1: countdown needs/,
    );
    expect(() => readTaskJsonl('{"task": "math", "question": "q", "answer": "1"}', "arithmetic")).toThrow(
      /line 1: is a "math" example/,
    );
    expect(() => readTaskJsonl("\n", "arithmetic")).toThrow("The file has no examples.");
  });

  it("reads math files in GSM8K form", () => {
    const [e] = readTaskJsonl('{"question": "How many?", "answer": "2 and 2 #### 4"}', "math");
    expect(e?.answer).toBe("4");
  });
});
