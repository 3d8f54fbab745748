import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import { createApp } from "./server/app";
import { loadConfig } from "./server/config";

/** `npm run dev` answers /api/* with the same handler as the production server. */
function tandemApi(): Plugin {
  return {
    name: "tandem-api",
    configureServer(server) {
      const { listener } = createApp(loadConfig());
      server.middlewares.use((req, res, next) => {
        if (req.url?.startsWith("/api/") || req.url === "/healthz") listener(req, res);
        else next();
      });
    },
  };
}

/**
 * The service worker precaches the app shell (HTML, JS, CSS, wllama's wasm, icons) so the app
 * reloads offline. Model files are not precached: they stay in the engines' own caches, once.
 */
const pwa = VitePWA({
  registerType: "prompt",
  includeAssets: ["favicon.ico", "apple-touch-icon-180x180.png", "icon.svg"],
  manifest: {
    name: "Tandem",
    short_name: "Tandem",
    description: "On-device chat that asks the cloud only when it must.",
    theme_color: "#1c1917",
    background_color: "#1c1917",
    display: "standalone",
    start_url: ".",
    scope: ".",
    icons: [
      { src: "pwa-64x64.png", sizes: "64x64", type: "image/png" },
      { src: "pwa-192x192.png", sizes: "192x192", type: "image/png" },
      { src: "pwa-512x512.png", sizes: "512x512", type: "image/png" },
      { src: "maskable-icon-512x512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  },
  workbox: {
    globPatterns: ["**/*.{js,css,html,svg,png,ico,wasm,woff2}"],
    // web-llm (the library chunk and its worker, ~6 MB each) only on WebGPU devices, at runtime.
    globIgnores: ["**/models/**", "**/model-record-*", "**/webllm.worker-*"],
    // wllama's wasm (~10 MB) is the offline engine: precached.
    maximumFileSizeToCacheInBytes: 12 * 1024 * 1024,
    navigateFallback: "index.html",
    navigateFallbackDenylist: [/^\/api\//, /^\/models\//, /^\/healthz/],
    runtimeCaching: [
      {
        urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith("/assets/"),
        handler: "CacheFirst",
        options: { cacheName: "tandem-lazy-assets", expiration: { maxEntries: 50 } },
      },
    ],
  },
});

export default defineConfig({
  plugins: [react(), tandemApi(), pwa],
  worker: { format: "es" },
  build: {
    target: "es2022",
    sourcemap: true,
    // widget.html: the embeddable widget's iframe page (src/widget); widget.js is built by src/widget/vite.loader.config.ts.
    rolldownOptions: { input: { main: "index.html", widget: "widget.html" } },
  },
  optimizeDeps: { exclude: ["@wllama/wllama"] },
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1", port: 4173 },
});
