import { resolve } from "node:path";
import { defineConfig } from "vite";

/** Builds the bare-engine baseline page on its own, so the app's build carries no benchmark code. */
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: "./",
  build: {
    outDir: resolve(import.meta.dirname, "../results/app-raw"),
    emptyOutDir: true,
    target: "es2022",
  },
  optimizeDeps: { exclude: ["@wllama/wllama"] },
  logLevel: "warn",
});
