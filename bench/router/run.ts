/**
 * `npm run bench:router`: builds the benchmark page, serves it with the loop model, starts the fake
 * cloud on loopback and runs everything in headless Chromium. Prints ratios and percentiles.
 */

import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve } from "node:path";
import { chromium } from "@playwright/test";
import { FakeCloud } from "@tandem/training/cloud/fake-anthropic/server";
import { encodeGguf } from "@tandem/training/export/gguf";
import { buildHandWiredModel } from "@tandem/training/fixtures/hand-wired-model";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../playwright.config";
import { median, percentile } from "./stats";

const root = resolve(import.meta.dirname, "../results/router-page");
const rounds = Number(process.env.ROUNDS ?? 8);

execFileSync("npx", ["vite", "build", "--config", resolve(import.meta.dirname, "vite.config.ts")], {
  stdio: "inherit",
});
await mkdir(root, { recursive: true });
await writeFile(
  join(root, "tandem-demo-loop.gguf"),
  await encodeGguf(buildHandWiredModel({ loopSmallTalk: true })),
);

const types: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".gguf": "application/octet-stream",
};
const server = createServer(async (req, res) => {
  const path = join(root, decodeURIComponent((req.url ?? "/").split("?")[0]!));
  try {
    const body = await readFile(path.endsWith("/") ? join(path, "index.html") : path);
    res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
}).listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const port = (server.address() as AddressInfo).port;
const cloud = new FakeCloud({ apiKey: "sk-bench" });
await cloud.start();

const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
});
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(
    `http://127.0.0.1:${port}/index.html?cloud=${encodeURIComponent(cloud.url)}&rounds=${rounds}`,
  );
  await page.waitForFunction(() => "__bench" in window, null, { timeout: 600_000 });
  const r = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as {
    raw: number[];
    routed: number[];
    handoff: number[];
    detectorRates: number[];
    passRates: number[];
    detectorChunks: number;
    detectorChars: number;
  };
  const f = (n: number, d = 1) => n.toFixed(d);
  const ratio = median(r.routed) / median(r.raw);
  console.log("\nTandem router benchmark (headless Chromium, wllama CPU, hand-wired demo model, one run)\n");
  console.log(
    `local tokens/s  raw engine  median ${f(median(r.raw))}  (min ${f(Math.min(...r.raw))}, max ${f(Math.max(...r.raw))})`,
  );
  console.log(
    `local tokens/s  via router  median ${f(median(r.routed))}  (min ${f(Math.min(...r.routed))}, max ${f(Math.max(...r.routed))})`,
  );
  console.log(
    `router / raw throughput ratio: ${f(ratio, 3)}   (target >= 0.98; ${rounds} interleaved rounds)`,
  );
  console.log(
    `handoff marker -> cloud request (loopback, n=${r.handoff.length}): p50 ${f(percentile(r.handoff, 50), 2)} ms, p90 ${f(percentile(r.handoff, 90), 2)} ms, max ${f(Math.max(...r.handoff), 2)} ms   (target p50 < 5 ms)`,
  );
  const det = median(r.detectorRates);
  const pass = median(r.passRates);
  console.log(
    `offload detector: ${f(det / 1e6, 1)} M chars/s, ${f(((det / r.detectorChars) * r.detectorChunks) / 1e6, 2)} M chunks/s; vs plain concatenation ${f(det / pass, 3)}x`,
  );
} finally {
  await browser.close();
  await cloud.stop();
  server.close();
}
