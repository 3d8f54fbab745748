/** Builds widget.js (the loader) on its own: one small IIFE at the site root, no React, no chunks. */

import { defineConfig } from "vite";

export default defineConfig({
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: false,
    target: "es2022",
    sourcemap: false,
    lib: {
      entry: new URL("./loader.ts", import.meta.url).pathname,
      formats: ["iife"],
      name: "TandemWidget",
      fileName: () => "widget.js",
    },
  },
});
