/**
 * The embeddable widget end to end: two host sites on other origins (127.0.0.1:4190 and
 * localhost:4191, different sites) load widget.js from the real server, with a strict CSP and a
 * CSS reset. The iframe runs the real engine, store and router; the cloud is the fake Anthropic API
 * behind the server's proxy (playwright.config.ts).
 */

import type { FrameLocator, Page } from "@playwright/test";
import { PROXY_KEY, PROXY_UPSTREAM_PORT, WIDGET_HOSTS } from "../playwright.config";
import { expect, test } from "./fixtures/app";
import { cloudAnswer, ESCALATED, ESCALATED_HARD, LOCAL } from "./fixtures/demo-model";
import { type HostSite, startHostSite } from "./fixtures/widget-hosts/server";

const upstream = `http://127.0.0.1:${PROXY_UPSTREAM_PORT}`;
const [SITE_A, SITE_B] = WIDGET_HOSTS;
let sites: HostSite[] = [];

test.beforeAll(async ({ baseURL }) => {
  const widgetOrigin = new URL(baseURL ?? "").origin;
  sites = [
    await startHostSite(SITE_A, widgetOrigin, [SITE_B]),
    await startHostSite(SITE_B, widgetOrigin, [SITE_A]),
  ];
});
test.afterAll(async () => {
  for (const s of sites) await s.close();
});
test.beforeEach(async ({ request }) => {
  await request.post(`${upstream}/__admin/reset`);
});

const upstreamCount = async (page: Page) =>
  ((await (await page.request.get(`${upstream}/__admin/requests`)).json()) as unknown[]).length;

type Seen = Array<{ type: string; route?: string; text?: string }>;
const hostEvents = (page: Page) => page.evaluate(() => (window as unknown as { __events: Seen }).__events);

async function openWidget(page: Page, url: string): Promise<FrameLocator> {
  await page.goto(url);
  const launcher = page.getByRole("button", { name: "Open chat" });
  await expect(launcher).toBeVisible();
  await launcher.click();
  const widget = page.frameLocator("tandem-chat iframe");
  await expect(widget.getByTestId("model-status")).toHaveAttribute("data-state", "ready", {
    timeout: 30_000,
  });
  await expect.poll(async () => (await hostEvents(page)).map((e) => e.type)).toContain("ready");
  return widget;
}

async function ask(widget: FrameLocator, text: string) {
  await widget.getByLabel("Message").fill(text);
  await widget.getByRole("button", { name: "Send" }).click();
}

/** One local answer, then one the model hands to the cloud after the user agrees. */
async function chatLocallyAndInTheCloud(page: Page, widget: FrameLocator) {
  await ask(widget, LOCAL.text);
  const turns = widget.getByTestId("turn");
  await expect(turns.last().getByTestId("answer")).toHaveText(LOCAL.answer!);
  await expect(turns.last().getByTestId("route-badge")).toHaveText("on device");
  await ask(widget, ESCALATED.text);
  await widget.getByRole("button", { name: "Send to the cloud" }).click();
  await expect(turns.last().getByTestId("answer")).toHaveText(cloudAnswer(ESCALATED));
  await expect(turns.last().getByTestId("route-badge")).toHaveText("cloud");
  expect(await upstreamCount(page)).toBe(1);

  await expect
    .poll(async () =>
      (await hostEvents(page)).filter((e) => e.type !== "ready").map((e) => [e.type, e.route ?? ""]),
    )
    .toEqual([
      ["message-sent", ""],
      ["route", "local"],
      ["message-received", "local"],
      ["message-sent", ""],
      ["route", "cloud"],
      ["message-received", "cloud"],
    ]);
  const events = await hostEvents(page);
  expect(events.find((e) => e.type === "message-received" && e.route === "cloud")?.text).toContain(
    ESCALATED.expected,
  );
  expect(JSON.stringify(events)).not.toContain(PROXY_KEY);
}

test("two sites embed the widget: local and cloud answers, events to the host, and where the model cache is shared", async ({
  page,
  context,
}) => {
  const modelFetches: string[] = [];
  // Routing also turns off the HTTP cache, so every load not served from Cache Storage is counted.
  await context.route("**/models/*.gguf", (route) => {
    modelFetches.push(new URL(route.request().frame().url()).origin);
    return route.continue();
  });

  const a = await openWidget(page, `${SITE_A}/site.html`);
  await expect(a.getByTestId("greeting")).toHaveText(`Hello from ${SITE_A}`);
  await chatLocallyAndInTheCloud(page, a);
  expect(modelFetches).toHaveLength(1);
  await expect(a.getByTestId("storage-notice")).toHaveCount(0);

  // Same site again: the model comes from the widget origin's Cache Storage, no bytes fetched.
  await openWidget(page, `${SITE_A}/site.html`);
  expect(modelFetches).toHaveLength(1);

  // Site B is a different site. Chromium keys third-party frame storage by the top-level site and,
  // as configured here, refuses it to cross-site frames altogether: the widget cannot reach the
  // cache site A filled, downloads the model again, keeps the chat in memory and tells the user.
  const b = await openWidget(page, `${SITE_B}/element.html`);
  await expect(b.getByTestId("greeting")).toHaveText(`Hello from ${SITE_B}`);
  await expect(b.getByTestId("storage-notice")).toBeVisible();
  expect(modelFetches).toHaveLength(2);
  await page.request.post(`${upstream}/__admin/reset`);
  await chatLocallyAndInTheCloud(page, b);

  // Chromium offers unpartitioned storage to an embed (requestStorageAccess) only after the user
  // has used our origin as a top-level site and grants it; this fresh profile never has, so the
  // request is refused, said in words, and the widget keeps its per-site behaviour.
  await b.getByTestId("share-model-cache").click();
  await expect(b.getByTestId("model-cache-refused")).toContainText(
    "Not shared: the browser refused to share its storage with this embed",
  );
  await expect(b.getByTestId("storage-notice")).toBeVisible();
});

test("host CSS reset and strict CSP leave the launcher and panel intact", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const widget = await openWidget(page, `${SITE_A}/site.html`);
  const box = await page.locator("tandem-chat iframe").boundingBox();
  expect(box?.width).toBeGreaterThan(300);
  expect(box?.height).toBeGreaterThan(300);
  const launcher = page.getByRole("button", { name: "Close chat" });
  const launcherBox = await launcher.boundingBox();
  expect(launcherBox?.width).toBe(56);
  await expect(widget.getByLabel("Message")).toBeVisible();
  expect(violations).toEqual([]);
  await launcher.click();
  await expect(page.locator("tandem-chat iframe")).toBeHidden();
});

test("forged messages are ignored: no conversation read, no setting changed, no cloud call without the user", async ({
  page,
}) => {
  const widget = await openWidget(page, `${SITE_A}/hostile.html`);
  // The host page itself posts things the protocol does not have, or has in another shape. The one
  // valid message suggests a product the demo model sends to the cloud (its evaluator's decision).
  await page.evaluate((suggestion) => {
    const frame = document.querySelector("tandem-chat")?.shadowRoot?.querySelector("iframe")?.contentWindow;
    const base = { tandem: "widget", v: 1 };
    const target = "*";
    frame?.postMessage({ ...base, type: "settings", routing: "cloud", consent: false }, target);
    frame?.postMessage({ ...base, type: "export" }, target);
    frame?.postMessage({ ...base, v: 2, type: "send", text: "What is 9*9?" }, target);
    frame?.postMessage("send What is 9*9?", target);
    frame?.postMessage({ ...base, type: "focus", extra: true }, target);
    // Valid: it may only become a suggestion the user has to accept.
    frame?.postMessage({ ...base, type: "send", text: suggestion }, target);
  }, ESCALATED_HARD.text);
  // A frame from another origin inside the host forges widget events to the host.
  const forger = page.frames().find((f) => f.url().startsWith(`${SITE_B}/forger.html`));
  const posted = await forger?.evaluate(() => (window as unknown as { forge: () => number }).forge());
  // Frames in a shadow tree are not in window.frames: the forger cannot even address the widget.
  expect(posted).toBe(0);

  await expect(widget.getByTestId("host-suggestion")).toContainText(ESCALATED_HARD.text);
  await expect(widget.locator("main")).toHaveAttribute("data-ignored-messages", "5");
  expect(
    await page.evaluate(
      () => (document.querySelector("tandem-chat") as unknown as { ignoredMessages: number }).ignoredMessages,
    ),
  ).toBe(1);
  expect((await hostEvents(page)).map((e) => e.type)).toEqual(["ready"]);
  await expect(widget.getByTestId("turn")).toHaveCount(0);
  expect(await upstreamCount(page)).toBe(0);

  // The user's consent setting is untouched: the cloud still needs a yes, and "no" keeps it local.
  await widget.getByRole("button", { name: "Send it" }).click();
  await widget.getByRole("button", { name: "Keep it on this device" }).click();
  await expect(widget.getByTestId("turn").last()).toHaveAttribute("data-status", "done");
  expect(await upstreamCount(page)).toBe(0);
});

test("a page that names another host in the widget URL gets a refusal and no messages", async ({ page }) => {
  await page.goto(`${SITE_B}/liar.html`);
  const widget = page.frameLocator("iframe");
  // The page's own reset hides its iframes; the refusal is what the widget rendered.
  await expect(widget.getByTestId("widget-refused")).toHaveText(/only run inside the page it was set up for/);
  const received = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let n = 0;
        addEventListener("message", () => n++);
        setTimeout(() => resolve(n), 1500);
      }),
  );
  expect(received).toBe(0);
});

test("host-send=auto sends at once, but a host-sent turn still asks before the cloud", async ({ page }) => {
  const widget = await openWidget(page, `${SITE_A}/auto.html`);
  await page.evaluate(
    (text) => (document.querySelector("tandem-chat") as unknown as { send: (t: string) => void }).send(text),
    ESCALATED.text,
  );
  await expect(widget.getByRole("button", { name: "Keep it on this device" })).toBeVisible();
  await widget.getByRole("button", { name: "Keep it on this device" }).click();
  await expect(widget.getByTestId("turn").last()).toHaveAttribute("data-status", "done");
  expect(await upstreamCount(page)).toBe(0);
  // Typed by the user with consent="off": straight to the cloud.
  await ask(widget, ESCALATED_HARD.text);
  await expect(widget.getByTestId("turn").last().getByTestId("route-badge")).toHaveText("cloud");
  expect(await upstreamCount(page)).toBe(1);
});

test("the server lets only the configured origins frame the widget and serves widget.js cross-origin", async ({
  request,
}) => {
  const html = await request.get("/widget.html");
  expect(html.headers()["content-security-policy"]).toContain(
    `frame-ancestors 'self' ${WIDGET_HOSTS.join(" ")}`,
  );
  const js = await request.get("/widget.js");
  expect(js.headers()["access-control-allow-origin"]).toBe("*");
  expect(js.headers()["cross-origin-resource-policy"]).toBe("cross-origin");
  expect(await js.text()).not.toMatch(/react/i);
});
