import { getRequestListener } from "@hono/node-server";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { createApp } from "./server/app";
import { loadConfig } from "./server/config";

/** `npm run dev` answers /api/* with the same handler as the production server. */
function tandemApi(): Plugin {
  return {
    name: "tandem-api",
    configureServer(server) {
      const { app } = createApp(loadConfig());
      const listener = getRequestListener(app.fetch);
      server.middlewares.use((req, res, next) => {
        if (req.url?.startsWith("/api/") || req.url === "/healthz") void listener(req, res);
        else next();
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), tandemApi()],
  worker: { format: "es" },
  build: { target: "es2022", sourcemap: true },
  optimizeDeps: { exclude: ["@wllama/wllama"] },
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1", port: 4173 },
});
