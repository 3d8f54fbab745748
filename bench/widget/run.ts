/**
 * `npm run bench:widget` (after `npm run build`): the embeddable widget, on loopback only.
 * The real server (in this process) serves dist/; two host sites on other origins embed it, as in
 * e2e/widget.spec.ts. Reports the loader's gzip size, the time from the script tag starting to
 * load until the launcher is visible, and how long the model takes to be ready on a first site,
 * on that site again, and on a second site (a different site) after the first, with the ratios.
 */

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "@playwright/test";
import { startHostSite } from "../../e2e/fixtures/widget-hosts/server";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../playwright.config";
import { createApp } from "../../server/app";
import { loadConfig } from "../../server/config";
import { median } from "../router/stats";

const RUNS = Number(process.env.RUNS ?? 5);
const SERVER_PORT = 4198;
const SITE_A = "http://127.0.0.1:4196";
const SITE_B = "http://localhost:4197";
const WIDGET = `http://127.0.0.1:${SERVER_PORT}`;

// Page scripts as strings: tsx would otherwise wrap named functions in a helper the page lacks.
const WIDGET_JS_START = `(performance.getEntriesByType("resource").find((e) => e.name.endsWith("/widget.js"))?.startTime ?? 0)`;

/** Milliseconds from widget.js starting to load until the launcher has a size on screen. */
function launcherVisibleMs(page: Page): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const tick = () => {
      const launcher = document.querySelector("tandem-chat")?.shadowRoot?.querySelector(".launcher");
      if (launcher && launcher.getBoundingClientRect().width > 0) resolve(performance.now() - ${WIDGET_JS_START});
      else requestAnimationFrame(tick);
    };
    tick();
  })`);
}

/** Milliseconds from widget.js starting to load until the widget reports its model ready. */
async function modelReadyMs(page: Page, url: string): Promise<number> {
  await page.goto(url);
  return page.evaluate(`new Promise((resolve) => {
    const poll = () => {
      if (window.__events.some((e) => e.type === "ready")) resolve(performance.now() - ${WIDGET_JS_START});
      else setTimeout(poll, 5);
    };
    poll();
  })`);
}

async function main() {
  const loader = readFileSync("dist/widget.js");
  const config = loadConfig({ PORT: String(SERVER_PORT), TANDEM_EMBED_ORIGINS: `${SITE_A},${SITE_B}` });
  const server = createServer(
    createApp(config, { log: { info() {}, warn() {}, error() {} } }).listener,
  ).listen(SERVER_PORT, "127.0.0.1");
  const sites = [
    await startHostSite(SITE_A, WIDGET, [SITE_B]),
    await startHostSite(SITE_B, WIDGET, [SITE_A]),
  ];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const launcher: number[] = [];
  const first: number[] = [];
  const again: number[] = [];
  const second: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      // A fresh profile per run: empty caches.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${SITE_A}/site.html`, { waitUntil: "commit" });
      launcher.push(await launcherVisibleMs(page));
      await context.close();

      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      first.push(await modelReadyMs(p, `${SITE_A}/site.html`));
      again.push(await modelReadyMs(p, `${SITE_A}/site.html`));
      second.push(await modelReadyMs(p, `${SITE_B}/element.html`));
      await ctx.close();
    }
  } finally {
    await browser.close();
    for (const s of sites) await s.close();
    server.close();
  }
  const m = (xs: number[]) => Math.round(median(xs));
  const report = {
    runs: RUNS,
    loaderBytes: loader.length,
    loaderGzipBytes: gzipSync(loader, { level: 9 }).length,
    launcherVisibleMs: m(launcher),
    modelReadyMs: { firstSite: m(first), sameSiteAgain: m(again), secondSite: m(second) },
    ratioSecondSiteToFirst: Number((median(second) / median(first)).toFixed(2)),
    ratioSameSiteAgainToFirst: Number((median(again) / median(first)).toFixed(2)),
  };
  console.log(JSON.stringify(report, null, 2));
}

await main();
