import { describe, expect, it } from "vitest";
import { checkCountdownEquation } from "./countdown-equation";

const numbers = [44, 19, 3, 7];

describe("checkCountdownEquation", () => {
  it.each([
    ["(44 - 19) * 3 + 7", 82],
    ["7+3*(44-19)", 82],
    ["  ( ( 44 - 19 ) * 3 ) + 7  ", 82],
    ["44 + 19 + 3 + 7", 73],
    ["44 + 19", 63],
    ["44", 44],
    ["(44 - 19) * 3 + 7 = 82", 82],
    ["(44 + 7) / 3", 17],
  ])("accepts %j for target %d", (equation, target) => {
    expect(checkCountdownEquation(numbers, target, equation)).toEqual({ ok: true });
  });

  it("uses exact arithmetic: a value that only rounds to the target is wrong", () => {
    expect(checkCountdownEquation([7, 3, 3], 7, "7 / 3 * 3")).toEqual({ ok: true });
    expect(checkCountdownEquation([44, 19, 3, 3], 21, "44 / 3 + 19 / 3")).toEqual({ ok: true });
    // In floating point 1 / 49 * 49 is 0.9999999999999999.
    expect(checkCountdownEquation([1, 49, 49], 1, "1 / 49 * 49")).toEqual({ ok: true });
    expect(checkCountdownEquation(numbers, 6, "19 / 3").ok).toBe(false);
  });

  it("honours precedence and left associativity", () => {
    expect(checkCountdownEquation(numbers, 65, "44 + 3 * 7").ok).toBe(true);
    expect(checkCountdownEquation(numbers, 329, "(44 + 3) * 7").ok).toBe(true);
    expect(checkCountdownEquation(numbers, 22, "44 - 19 - 3").ok).toBe(true);
    expect(checkCountdownEquation(numbers, 28, "44 - (19 - 3)").ok).toBe(true);
  });

  it("rejects a wrong result and says what it evaluates to", () => {
    expect(checkCountdownEquation(numbers, 83, "(44 - 19) * 3 + 7")).toEqual({
      ok: false,
      reason: "evaluates to 82, not 83",
    });
    expect(checkCountdownEquation(numbers, 6, "19 / 3")).toEqual({
      ok: false,
      reason: "evaluates to 19/3, not 6",
    });
  });

  it("rejects a number used more often than given", () => {
    const check = checkCountdownEquation(numbers, 88, "44 + 44");
    expect(check).toEqual({ ok: false, reason: "44 is used more times than it is given" });
    expect(checkCountdownEquation([5, 5, 2], 12, "5 + 5 + 2")).toEqual({ ok: true });
    expect(checkCountdownEquation([5, 5, 2], 17, "5 + 5 + 5 + 2").ok).toBe(false);
  });

  it("rejects numbers that are not given, including digits glued together", () => {
    expect(checkCountdownEquation(numbers, 45, "44 + 1")).toEqual({
      ok: false,
      reason: "1 is not one of the given numbers",
    });
    expect(checkCountdownEquation(numbers, 437, "437").ok).toBe(false);
  });

  it("rejects a right-hand side that is not the target", () => {
    expect(checkCountdownEquation(numbers, 82, "44 + 19 = 63").ok).toBe(false);
    expect(checkCountdownEquation(numbers, 63, "44 + 19 = 63 = 63").ok).toBe(false);
  });

  it.each([
    ["44 +"],
    ["(44 - 19"],
    ["44 - 19)"],
    ["-3 + 7"],
    ["44 ^ 3"],
    ["2.5 * 4"],
    ["44 x 3"],
    ["44 19"],
    [""],
    ["Math.max(44, 19)"],
    [`${"(".repeat(100)}44${")".repeat(100)}`],
  ])("rejects unparseable %j", (equation) => {
    const check = checkCountdownEquation(numbers, 44, equation);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/^cannot parse/);
  });

  it("rejects division by zero", () => {
    expect(checkCountdownEquation([7, 3, 3], 7, "7 / (3 - 3)")).toEqual({
      ok: false,
      reason: "cannot parse: division by zero",
    });
  });
});
