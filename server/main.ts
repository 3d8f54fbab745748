/** `npm start`: serves the built app and the cloud proxy; finishes in-flight streams on shutdown. */

import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { jsonLogger } from "./log";

const log = jsonLogger();
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`Configuration error: ${e.message}`);
    process.exit(2);
  }
  throw e;
}

const { app, inFlight } = createApp(config, { log });
const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  const url = `http://${config.host}:${info.port}`;
  console.log(`Tandem is running at ${url}`);
  console.log(
    config.apiKey
      ? `Cloud proxy: ${config.upstreamURL} (key set; it never reaches a browser)`
      : "Cloud proxy: not configured (set ANTHROPIC_API_KEY to enable escalation); the app answers on the device.",
  );
});
// Slow or stalled clients: headers and the whole request must arrive in time.
const http = server as unknown as { requestTimeout: number; headersTimeout: number };
http.requestTimeout = config.requestTimeoutMs;
http.headersTimeout = Math.min(config.requestTimeoutMs, 20_000);

let stopping = false;
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info("shutting down", { signal, inFlight: inFlight.count });
  server.close();
  const deadline = Date.now() + config.shutdownGraceMs;
  const timer = setInterval(() => {
    if (inFlight.count === 0 || Date.now() > deadline) {
      clearInterval(timer);
      process.exit(0);
    }
  }, 50);
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
