import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "server/**/*.test.ts", "e2e/fixtures/**/*.test.ts"],
    environment: "node",
  },
});
