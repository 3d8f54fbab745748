/**
 * The chat app end to end: the real build served by the real server, real wllama, real IndexedDB,
 * real service worker and Cache Storage in headless Chromium. The only stand-in is the cloud: the
 * local fake Anthropic Messages API (training/src/cloud/fake-anthropic).
 */

import { mkdir } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { ask, askOnDevice, expect, lastTurn, openPanel, test } from "./fixtures/app";
import { cloudAnswer, ESCALATED, LOCAL, LOCAL_2 } from "./fixtures/demo-model";

const SCREENSHOTS = "test-results/screenshots";

async function conversationTitles(page: Page): Promise<string[]> {
  return page.getByTestId("conversation-list").getByRole("listitem").locator(".open").allInnerTexts();
}

test("conversations persist across reloads; rename, search, delete", async ({ page, openApp }) => {
  await openApp();
  await ask(page, LOCAL.text);
  await expect(lastTurn(page).getByTestId("answer")).toHaveText(LOCAL.answer!);
  await ask(page, ESCALATED.text);
  await expect(lastTurn(page).getByTestId("route-badge")).toHaveText("cloud");
  await page.getByRole("button", { name: "New chat" }).click();
  await expect(page.getByTestId("welcome")).toBeVisible();
  await askOnDevice(page, LOCAL_2.text);

  await page.reload();
  await expect.poll(() => conversationTitles(page)).toEqual([LOCAL_2.text, LOCAL.text]);
  await page.getByRole("button", { name: LOCAL.text, exact: true }).click();
  const turns = page.getByTestId("turn");
  await expect(turns).toHaveCount(2);
  await expect(turns.nth(1).getByTestId("answer")).toHaveText(cloudAnswer(ESCALATED));
  await expect(turns.nth(1).getByTestId("route-badge")).toHaveText("cloud");

  await page.getByRole("button", { name: `Rename ${LOCAL.text}` }).click();
  await page.getByLabel("Conversation title").fill("Arithmetic");
  await page.getByLabel("Conversation title").press("Enter");
  await page.getByLabel("Search conversations").fill(ESCALATED.expected);
  await expect.poll(() => conversationTitles(page)).toEqual(["Arithmetic"]);
  await page.getByLabel("Search conversations").fill("");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: `Delete ${LOCAL_2.text}` }).click();
  // Deleted in the page first (the store's transaction has committed), then gone after a reload too.
  await expect.poll(() => conversationTitles(page)).toEqual(["Arithmetic"]);
  await page.reload();
  await expect.poll(() => conversationTitles(page)).toEqual(["Arithmetic"]);
});

test("edit and resend replaces the answer and what followed; regenerate answers again", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp();
  await askOnDevice(page, LOCAL.text);
  await ask(page, LOCAL_2.text);
  await expect(page.getByTestId("turn")).toHaveCount(2);
  await expect(lastTurn(page).getByTestId("route-badge")).toHaveText("on device");

  const first = page.getByTestId("turn").first();
  await first.getByRole("button", { name: "Edit" }).click();
  await first.getByLabel("Edit message").fill(ESCALATED.text);
  await first.getByRole("button", { name: "Save and resend" }).click();
  await expect(page.getByTestId("turn")).toHaveCount(1);
  await expect(first.getByTestId("answer")).toHaveText(cloudAnswer(ESCALATED));
  await first.getByRole("button", { name: "Regenerate" }).click();
  await expect.poll(() => cloud.requests.length).toBe(2);
  await expect(first.getByTestId("route-badge")).toHaveText("cloud");
  await page.reload();
  await page.getByRole("button", { name: LOCAL.text, exact: true }).click();
  await expect(page.getByTestId("user-text")).toHaveText([ESCALATED.text]);
});

test("a reload in the middle of a streaming answer keeps what was written", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp();
  cloud.faults.push({ kind: "slow", delayMs: 500 });
  await ask(page, ESCALATED.text);
  const answer = lastTurn(page).getByTestId("answer");
  await expect(answer).toContainText("=");
  await page.waitForTimeout(800);
  await page.reload();
  await page.getByRole("button", { name: ESCALATED.text, exact: true }).click();
  const turn = lastTurn(page);
  await expect(turn).toHaveAttribute("data-status", "interrupted");
  await expect(turn.getByTestId("interrupted")).toBeVisible();
  // Flushed while streaming: the start of the cloud's answer, not all of it.
  const kept = ((await turn.getByTestId("answer").textContent()) ?? "").trim();
  expect(kept.length).toBeGreaterThan(0);
  expect(kept.length).toBeLessThan(cloudAnswer(ESCALATED).length);
  expect(kept.startsWith(cloudAnswer(ESCALATED).split(" = ")[0]!)).toBe(true);
  await expect(turn.getByTestId("user-text")).toHaveText(ESCALATED.text);
});

test("two tabs stay consistent", async ({ page, openApp, context }) => {
  await openApp();
  const other = await context.newPage();
  await other.goto("/");
  await askOnDevice(page, LOCAL.text);
  await expect.poll(() => conversationTitles(other)).toEqual([LOCAL.text]);
  await other.getByRole("button", { name: LOCAL.text, exact: true }).click();
  await expect(other.getByTestId("answer")).toHaveText(LOCAL.answer!);
  other.once("dialog", (d) => void d.accept());
  await other.getByRole("button", { name: `Delete ${LOCAL.text}` }).click();
  await expect.poll(() => conversationTitles(page)).toEqual([]);
});

test("installable: valid manifest, icons and an active service worker; works offline after", async ({
  page,
  openApp,
  context,
}) => {
  await openApp();
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute("href");
  const manifest = (await (await page.request.get(manifestHref ?? "")).json()) as {
    name: string;
    display: string;
    start_url: string;
    icons: Array<{ src: string; sizes: string; purpose?: string }>;
  };
  expect(manifest).toMatchObject({ name: "Tandem", display: "standalone", start_url: "." });
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  expect(manifest.icons.some((i) => i.purpose === "maskable")).toBe(true);
  for (const icon of manifest.icons) {
    const r = await page.request.get(icon.src);
    expect(r.headers()["content-type"]).toBe("image/png");
  }
  const sw = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
  expect(sw).toMatch(/\/sw\.js$/);

  // Offline: the shell comes from the service worker, the model from the engine's cache.
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId("model-status")).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
  await ask(page, LOCAL_2.text);
  await expect(lastTurn(page).getByTestId("answer")).toHaveText(LOCAL_2.answer!);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
});

const HOSTILE = [
  "<script>window.__pwned = 1; alert(1)</script>",
  '<img src="x" onerror="window.__pwned = 2; alert(2)">',
  "[click me](javascript:window.__pwned=3)",
  '<a href="javascript:alert(4)">raw link</a>',
  "![tracker](https://tracker.invalid/pixel.png)",
  "$\\href{javascript:alert(5)}{math link}$",
  '<iframe src="https://evil.invalid"></iframe>',
  "```js\nconsole.log('<b>not bold</b>')\n```",
].join("\n\n");

test("hostile markdown in cloud output does not execute, navigate or load anything", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp();
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const external: string[] = [];
  page.on("request", (r) => r.url().includes(".invalid") && external.push(r.url()));
  cloud.faults.push({ kind: "reply", text: HOSTILE });
  await ask(page, ESCALATED.text);
  const answer = lastTurn(page).getByTestId("answer");
  await expect(lastTurn(page).getByTestId("route-badge")).toHaveText("cloud");
  await expect(answer.locator("pre code")).toContainText("console.log('<b>not bold</b>')");
  await expect(answer).toContainText("<script>window.__pwned = 1; alert(1)</script>");
  expect(await answer.locator("script, iframe, img, [onerror]").count()).toBe(0);
  for (const href of await answer
    .locator("a")
    .evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? "")))
    expect(href).not.toMatch(/^\s*javascript:/i);
  const url = page.url();
  await answer.getByText("click me").click();
  // KaTeX runs untrusted: \href is shown as an error, never as a link.
  await expect(answer.locator(".katex")).toContainText("\\href");
  expect(await answer.locator(".katex a").count()).toBe(0);
  await expect(
    answer.getByRole("button", { name: /Show image “tracker” from tracker\.invalid/ }),
  ).toBeVisible();
  await page.waitForTimeout(300);
  expect(page.url()).toBe(url);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(external).toEqual([]);
});

test("import rejects a malformed file with a reason and changes nothing; export round-trips", async ({
  page,
  openApp,
}) => {
  await openApp();
  await askOnDevice(page, LOCAL.text);
  const data = await openPanel(page, "Export and import");
  const download = page.waitForEvent("download");
  await data.getByRole("button", { name: "Export all conversations (JSON)" }).click();
  const exported = await (await download).path();

  const input = data.getByLabel("Import conversations (JSON export)");
  await input.setInputFiles({
    name: "broken.json",
    mimeType: "application/json",
    buffer: Buffer.from(
      '{"format":"tandem.conversations","version":1,"exportedAt":"x","conversations":[{"id":1}]}',
    ),
  });
  await expect(data.getByTestId("import-result")).toHaveText(
    /broken\.json was not imported: The file is damaged: .* at conversations\.0\.id\. Nothing was changed\./,
  );
  await input.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
  await expect(data.getByTestId("import-result")).toContainText("The file is not JSON.");
  await expect.poll(() => conversationTitles(page)).toEqual([LOCAL.text]);

  await input.setInputFiles(exported);
  await expect(data.getByTestId("import-result")).toHaveText("Imported 1 conversations (1 messages).");
  await expect.poll(() => conversationTitles(page)).toEqual([LOCAL.text, LOCAL.text]);
});

test("a stored turn with a corrupt route record shows as unreadable; the rest of the app keeps working", async ({
  page,
  openApp,
}) => {
  await openApp();
  await askOnDevice(page, LOCAL.text);
  await askOnDevice(page, LOCAL_2.text);
  // Both answers saved (the last flush follows the answer on screen).
  const storedStatuses = () =>
    page.evaluate(
      () =>
        new Promise<string[]>((done) => {
          const open = indexedDB.open("tandem");
          open.onsuccess = () => {
            const all = open.result.transaction("turns").objectStore("turns").getAll();
            all.onsuccess = () => {
              open.result.close();
              done((all.result as Array<{ status: string }>).map((t) => t.status));
            };
          };
        }),
    );
  await expect.poll(storedStatuses).toEqual(["done", "done"]);
  // What an older version or a hand-edited database could hold: wrong types inside the record.
  await page.evaluate(
    () =>
      new Promise<void>((done, fail) => {
        const open = indexedDB.open("tandem");
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction("turns", "readwrite");
          const turns = tx.objectStore("turns");
          const all = turns.getAll();
          all.onsuccess = () => {
            const first = (all.result as Array<{ seq: number; record: Record<string, unknown> }>).find(
              (t) => t.seq === 0,
            )!;
            turns.put({ ...first, record: { ...first.record, cloudModel: {}, estimatedCostUsd: "x" } });
          };
          tx.oncomplete = () => {
            open.result.close();
            done();
          };
        };
      }),
  );
  await page.reload();
  await page.getByRole("button", { name: LOCAL.text, exact: true }).click();
  const turns = page.getByTestId("turn");
  await expect(turns.first().getByTestId("turn-unreadable")).toContainText("This message could not be shown");
  await expect(turns.nth(1).getByTestId("answer")).toHaveText(LOCAL_2.answer!);
  await ask(page, LOCAL.text);
  await expect(lastTurn(page).getByTestId("answer")).toHaveText(LOCAL.answer!);
});

test("a full storage quota is explained and the model still works for the session", async ({
  page,
  openApp,
  context,
  baseURL,
}) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Storage.overrideQuotaForOrigin", {
    origin: new URL(baseURL ?? "").origin,
    quotaSize: 200 * 1024,
  });
  await openApp();
  await expect(page.getByTestId("model-warning")).toContainText("Browser storage is full");
  await ask(page, LOCAL.text);
  await expect(lastTurn(page).getByTestId("answer")).toHaveText(LOCAL.answer!);
});

test("statistics show where answers came from, as charts", async ({ page, openApp }) => {
  await openApp();
  await askOnDevice(page, LOCAL.text);
  await ask(page, ESCALATED.text);
  await expect(lastTurn(page).getByTestId("route-badge")).toHaveText("cloud");
  const stats = await openPanel(page, "Statistics");
  await expect(stats.getByTestId("stat-turns")).toHaveText("2");
  await expect(stats.getByTestId("stat-local-share")).toHaveText("50%");
  await expect(stats.getByRole("img", { name: /Share of turns per day/ }).locator("svg")).toBeVisible();
  await expect(stats.getByRole("img", { name: /Cumulative cloud cost/ }).locator("svg")).toBeVisible();
});

for (const [name, viewport] of [
  ["desktop", { width: 1280, height: 800 }],
  ["phone", { width: 375, height: 740 }],
] as const) {
  test(`renders without horizontal overflow at ${name} width`, async ({ page, openApp }) => {
    await page.setViewportSize(viewport);
    await openApp();
    await askOnDevice(page, LOCAL.text);
    await ask(page, ESCALATED.text);
    await expect(lastTurn(page).getByTestId("route-badge")).toHaveText("cloud");
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}/chat-${name}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    if (name === "phone") {
      await page.getByRole("button", { name: "Conversations" }).click();
      await expect(page.getByRole("button", { name: "New chat" })).toBeVisible();
    }
  });
}
