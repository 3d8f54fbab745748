import { resolve } from "node:path";
import { defineConfig } from "vite";

/** Builds the benchmark page on its own, so the app's build carries no benchmark code. */
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: "./",
  build: {
    outDir: resolve(import.meta.dirname, "../results/router-page"),
    emptyOutDir: true,
    target: "es2022",
  },
  optimizeDeps: { exclude: ["@wllama/wllama"] },
  logLevel: "warn",
});
