/** `npm start`: serves the built app and the cloud proxy; finishes in-flight streams on shutdown. */

import { ConfigError, loadConfig } from "./config";
import { jsonLogger } from "./log";
import { redisLocation } from "./redis-connection";
import { startServer } from "./start";

const log = jsonLogger();
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`Configuration error: ${e.message}`);
  process.exit(2);
}

const running = await startServer(config, { log });
console.log(`Tandem is running at ${running.url}`);
console.log(
  config.apiKey
    ? `Cloud proxy: ${config.upstreamURL} (key set; it never reaches a browser)`
    : "Cloud proxy: not configured (set ANTHROPIC_API_KEY to enable escalation); the app answers on the device.",
);
console.log(
  config.redisURL
    ? `Limits: on Redis at ${redisLocation(config.redisURL)}, shared with every instance that uses it`
    : "Limits: in this instance's memory (set TANDEM_REDIS_URL to share them between instances)",
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info("shutting down", { signal, inFlight: running.inFlight.count });
  void running.shutdown().then(() => process.exit(0));
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
