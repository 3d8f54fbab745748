import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DEMO_MODEL_BYTES } from "./models";

describe("catalogue", () => {
  it("lists the bundled demo model with its real download size", async () => {
    expect((await stat("public/models/tandem-demo.gguf")).size).toBe(DEMO_MODEL_BYTES);
  });
});
