import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonLogger } from "./log";

describe("jsonLogger", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("writes the lines of one turn of the event loop to stdout in one write", async () => {
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const log = jsonLogger();
    log.info("one", { n: 1 });
    log.warn("two");
    const ours = () => write.mock.calls.map(([chunk]) => String(chunk)).filter((c) => c.includes('"one"'));
    expect(ours()).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ours()).toHaveLength(1);
    const lines = ours()[0]!
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.message, l.n])).toEqual([
      ["info", "one", 1],
      ["warn", "two", undefined],
    ]);
  });
});
