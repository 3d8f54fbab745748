import { describe, expect, it } from "vitest";
import { closeWorking, splitReasoning } from "./reasoning";

describe("splitReasoning", () => {
  it("separates the working from the answer", () => {
    expect(splitReasoning("<think>7+2=9. 1+3=4.</think><answer>94</answer>")).toEqual({
      working: "7+2=9. 1+3=4.",
      answer: "94",
    });
  });

  it("shows the working while it streams, never a half-written tag", () => {
    expect(splitReasoning("<thi")).toEqual({ answer: "" });
    expect(splitReasoning("<think>7+2=9. </th")).toEqual({ working: "7+2=9. ", answer: "" });
    expect(splitReasoning("<think>7+2=9.</think><ans")).toEqual({ working: "7+2=9.", answer: "" });
    expect(splitReasoning("<think>7+2=9.</think><answer>9")).toEqual({ working: "7+2=9.", answer: "9" });
    expect(splitReasoning("<think>a</think><answer>94</ans")).toEqual({ working: "a", answer: "94" });
  });

  it("leaves text without the tags as it is", () => {
    expect(splitReasoning("Hello! **Bold** and a < b")).toEqual({ answer: "Hello! **Bold** and a < b" });
    expect(splitReasoning("<answer>5</answer>")).toEqual({ answer: "5" });
  });
});

describe("closeWorking", () => {
  it("closes a working cut off by the offload, so a note after it is not working", () => {
    const note = `${closeWorking("<think>7+7=")}\n\n[cloud, interrupted] 720 +`;
    expect(splitReasoning(note)).toEqual({ working: "7+7=", answer: "[cloud, interrupted] 720 +" });
    expect(closeWorking("plain draft")).toBe("plain draft");
    expect(closeWorking("<think>a</think><answer>1</answer>")).toBe("<think>a</think><answer>1</answer>");
  });
});
