/**
 * `npm run bench:app`: the built app's initial JavaScript (gzip, lazily loaded chunks apart), its
 * time to interactive on loopback, and send -> first token with the demo model in the app vs the
 * raw engine in a bare page (same Chromium, interleaved rounds, ratio of medians).
 */

import { execFileSync } from "node:child_process";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../playwright.config";
import { loadConfig } from "../../server/config";
import { startServer } from "../../server/start";
import { inspectGguf } from "../../src/core/engines/gguf-header";
import { median, percentile } from "../router/stats";

const ROOT = resolve(import.meta.dirname, "../..");
const DIST = join(ROOT, "dist");
const RAW = join(ROOT, "bench/results/app-raw");
// Fresh-profile page loads are slow, so fewer of them; first-token rounds are cheap, and 8 of them
// left the ratio at the mercy of a noisy machine's worst seconds.
const rounds = Number(process.env.ROUNDS ?? 8);
const tokenRounds = Number(process.env.TOKEN_ROUNDS ?? 30);
const DEMO = join(ROOT, "public/models/tandem-demo.gguf");
/** A prompt the demo model answers on the device, from its card's examples. */
const PROMPT =
  (await inspectGguf(new Blob([await readFile(DEMO)]))).card?.examples.find((e) => e.route === "local")
    ?.text ?? "Hello there";

const gz = async (path: string) => gzipSync(await readFile(path), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function initialJavaScript(): Promise<{
  initial: number;
  files: string[];
  lazy: Array<[string, number]>;
}> {
  const html = await readFile(join(DIST, "index.html"), "utf8");
  const files = [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/?([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  let initial = 0;
  for (const f of files) initial += await gz(join(DIST, f));
  const { readdir } = await import("node:fs/promises");
  const lazy: Array<[string, number]> = [];
  for (const f of await readdir(join(DIST, "assets")))
    if (f.endsWith(".js") && !files.includes(`assets/${f}`))
      lazy.push([f, await gz(join(DIST, "assets", f))]);
  lazy.sort((a, b) => b[1] - a[1]);
  return { initial, files, lazy };
}

async function timeToInteractive(browser: Browser, url: string): Promise<{ fcp: number; ready: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(
    () => {
      const send = document.querySelector<HTMLButtonElement>("form.composer button[type=submit]");
      return send && !send.disabled;
    },
    null,
    { polling: "raf", timeout: 60_000 },
  );
  const r = await page.evaluate(() => ({
    ready: performance.now(),
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
  }));
  await context.close();
  return r;
}

async function openApp(browser: Browser, url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.waitForFunction(
    () => !document.querySelector<HTMLButtonElement>("form.composer button[type=submit]")?.disabled,
    null,
    { timeout: 60_000 },
  );
  return page;
}

/** Send -> first answer text on the page, in a new conversation. */
async function appFirstToken(page: Page): Promise<number> {
  await page.getByRole("button", { name: "New chat" }).click();
  await page.getByLabel("Message").fill(PROMPT);
  const ms = await page.evaluate(
    () =>
      new Promise<number>((done) => {
        const t0 = performance.now();
        const observer = new MutationObserver(() => {
          // The first thing the answer shows: the model's working (collapsed) or the answer itself.
          if (document.querySelector('[data-testid="answer-working"], [data-testid="answer"]')?.textContent) {
            observer.disconnect();
            done(performance.now() - t0);
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        document.querySelector<HTMLFormElement>("form.composer")?.requestSubmit();
      }),
  );
  await page.waitForFunction(
    () => document.querySelector('[data-testid="turn"]')?.getAttribute("data-status") !== "streaming",
  );
  return ms;
}

execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
execFileSync("npx", ["vite", "build", "--config", resolve(import.meta.dirname, "vite.config.ts")], {
  stdio: "inherit",
});
await mkdir(join(RAW, "models"), { recursive: true });
await copyFile(DEMO, join(RAW, "models/tandem-demo.gguf"));

const js = await initialJavaScript();
const base = { ...process.env, HOST: "127.0.0.1", PORT: "0", ANTHROPIC_API_KEY: "" };
const app = await startServer(loadConfig({ ...base, TANDEM_PUBLIC_DIR: DIST }));
const raw = await startServer(loadConfig({ ...base, TANDEM_PUBLIC_DIR: RAW }));
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const tti: Array<{ fcp: number; ready: number }> = [];
  for (let i = 0; i < rounds; i++) tti.push(await timeToInteractive(browser, `${app.url}/`));

  const rawPage = await (await browser.newContext()).newPage();
  await rawPage.goto(`${raw.url}/index.html`);
  await rawPage.waitForFunction(() => "__firstTokenMs" in window, null, { timeout: 60_000 });
  const rawFirst = () =>
    rawPage.evaluate(
      (prompt) =>
        (window as unknown as { __firstTokenMs: (p: string) => Promise<number> }).__firstTokenMs(prompt),
      PROMPT,
    );
  await rawFirst(); // warm-up
  const appPage = await openApp(browser, `${app.url}/`);
  await appFirstToken(appPage); // warm-up
  const appTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < tokenRounds; i++) {
    // Interleaved so drift on a noisy machine hits both sides alike.
    rawTimes.push(await rawFirst());
    appTimes.push(await appFirstToken(appPage));
  }

  const f = (n: number) => n.toFixed(1);
  console.log(
    "\nTandem app benchmark (headless Chromium, wllama CPU, bundled demo model, loopback, one run)\n",
  );
  console.log(`initial JavaScript (gzip, ${js.files.length} files): ${kb(js.initial)}   (target <= 150 KB)`);
  console.log(
    `lazily loaded, largest first: ${js.lazy
      .slice(0, 6)
      .map(([f, n]) => `${f.replace(/-[\w-]{8}\.js$/, "")} ${kb(n)}`)
      .join(", ")}`,
  );
  const fcp = tti.map((t) => t.fcp);
  const ready = tti.map((t) => t.ready);
  console.log(
    `first contentful paint (fresh profile, n=${rounds}): p50 ${f(median(fcp))} ms, p90 ${f(percentile(fcp, 90))} ms`,
  );
  console.log(
    `interactive: model loaded, Send enabled (fresh profile): p50 ${f(median(ready))} ms, p90 ${f(percentile(ready, 90))} ms`,
  );
  console.log(
    `send -> first token, app (store, router, React, markdown): p50 ${f(median(appTimes))} ms, p90 ${f(percentile(appTimes, 90))} ms`,
  );
  console.log(
    `send -> first token, bare wllama page:                     p50 ${f(median(rawTimes))} ms, p90 ${f(percentile(rawTimes, 90))} ms`,
  );
  console.log(
    `app / raw first-token ratio: ${(median(appTimes) / median(rawTimes)).toFixed(2)}   (${tokenRounds} interleaved rounds)`,
  );
} finally {
  await browser.close();
  await app.shutdown();
  await raw.shutdown();
}
