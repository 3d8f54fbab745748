/**
 * The runtime core end to end: the real built page, real wllama running the bundled hand-wired
 * model, the real router and Anthropic SDK; the cloud is the local fake Anthropic API.
 */

import { readFile } from "node:fs/promises";
import { DECLINED_REPLY, HARD_DRAFT, SMALL_TALK_REPLY } from "@tandem/training/fixtures/hand-wired-model";
import { trainOffloadModel } from "@tandem/training/fixtures/trained-offload-model";
import { ask, expect, lastTurn, openPanel, test, watchAnswers } from "./fixtures/app";
import { UNREACHABLE_EXPORT } from "./fixtures/tandem-model";

const MARKER_PIECES = ["<|", "offload", "<unknown>"];

test("answers small talk on the device", async ({ page, openApp, cloud }) => {
  await openApp();
  await ask(page, "Hello there");
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText("on device");
  await expect(turn.getByTestId("answer")).toHaveText(SMALL_TALK_REPLY);
  expect(cloud.requests).toHaveLength(0);
  const models = await openPanel(page, "Models");
  await expect(models.getByTestId("engine-choice")).toHaveAttribute("data-backend", "wllama");
});

test("hands off to the cloud at the offload token; the marker never shows", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp();
  const seen = await watchAnswers(page);
  await ask(page, "What is 17*23?");
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText("cloud");
  await expect(turn.getByTestId("answer")).toHaveText("17*23 = 391. (answered by the cloud)");
  await expect(turn.getByTestId("answer").locator("strong")).toHaveText("391");
  await expect(turn.getByTestId("draft")).toHaveText(HARD_DRAFT, { useInnerText: false });
  for (const text of await seen()) for (const piece of MARKER_PIECES) expect(text).not.toContain(piece);
  expect(cloud.requests).toHaveLength(1);
  // The cloud gets the conversation, not the local draft (as in the paper).
  expect(JSON.stringify(cloud.requests[0]!.body)).not.toContain(HARD_DRAFT);
});

test("consent declined: answers locally with the marker banned, nothing sent", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp({ consent: true });
  await ask(page, "What is 2+2?");
  const dialog = page.getByRole("dialog", { name: "Send this to the cloud?" });
  await expect(dialog.getByTestId("consent-messages")).toContainText("What is 2+2?");
  await dialog.getByRole("button", { name: "Keep it on this device" }).click();
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText(
    "on device (cloud declined: you declined sending this to the cloud)",
  );
  await expect(turn.getByTestId("answer")).toHaveText(HARD_DRAFT + DECLINED_REPLY);
  expect(cloud.requests).toHaveLength(0);
});

test("privacy mode makes no network request at all", async ({ page, openApp, cloud }) => {
  await openApp({ privacy: true });
  const appOrigin = new URL(page.url()).origin;
  const requests: string[] = [];
  // The app may fetch its own lazily loaded code; nothing may go anywhere else.
  page.on("request", (r) => new URL(r.url()).origin !== appOrigin && requests.push(r.url()));
  await page.route(`${cloud.url}/**`, (route) => route.abort());
  await ask(page, "What is 9*9?");
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText("on device");
  await expect(turn.getByTestId("answer")).toHaveText(HARD_DRAFT + DECLINED_REPLY);
  expect(requests).toEqual([]);
  expect(cloud.requests).toHaveLength(0);
});

test("retries an overloaded cloud (529) and then streams the answer", async ({ page, openApp, cloud }) => {
  await openApp();
  cloud.faults.push({ kind: "status", status: 529, retryAfterSeconds: 0 });
  await ask(page, "What is 6*7?");
  await expect(lastTurn(page).getByTestId("answer")).toHaveText("6*7 = 42. (answered by the cloud)");
  expect(cloud.requests).toHaveLength(2);
});

test("a dropped cloud stream keeps the partial text and offers a local answer", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp();
  cloud.faults.push({ kind: "drop", afterDeltas: 2 });
  await ask(page, "What is 6*7?");
  const turn = lastTurn(page);
  await expect(turn.getByTestId("turn-error")).toContainText("dropped in the middle of the answer");
  await expect(turn.getByTestId("answer")).toHaveText("6*7 = ");
  await turn.getByRole("button", { name: "Answer on this device instead" }).click();
  await expect(turn.getByTestId("answer")).toHaveText(HARD_DRAFT + DECLINED_REPLY);
  await expect(turn.getByTestId("draft")).toContainText("6*7 =", { useInnerText: false });
});

test("a corrupt or truncated GGUF gives a clear error", async ({ page, openApp }) => {
  await openApp();
  const good = await readFile("public/models/tandem-demo.gguf");
  await page.route("**/broken/truncated.gguf", (r) =>
    r.fulfill({ body: good.subarray(0, good.length - 4096) }),
  );
  await page.route("**/broken/page.gguf", (r) => r.fulfill({ body: "<html>404 Not Found</html>" }));
  const status = page.getByTestId("model-status");
  await openPanel(page, "Models");
  await page.getByLabel("Model URL").fill(new URL("broken/truncated.gguf", page.url()).href);
  await page.getByRole("button", { name: "Load URL" }).click();
  await expect(status).toHaveAttribute("data-state", "error");
  await expect(status).toContainText(/truncated: tensor "[^"]+" needs bytes up to \d+ but the file has \d+/);
  await page.getByLabel("Model URL").fill(new URL("broken/page.gguf", page.url()).href);
  await page.getByRole("button", { name: "Load URL" }).click();
  await expect(status).toContainText("not a GGUF model");
});

test("an exported web-llm model on a browser without WebGPU is refused with the way out", async ({
  page,
  openApp,
}) => {
  await openApp();
  await page.route("**/exports/tandem-model.json", (r) => r.fulfill({ json: UNREACHABLE_EXPORT }));
  await page.route("**/exports/broken.json", (r) => r.fulfill({ body: "{" }));
  const models = await openPanel(page, "Models");
  await models.getByLabel("Model URL").fill(new URL("exports/tandem-model.json", page.url()).href);
  await models.getByRole("button", { name: "Load URL" }).click();
  await expect(models.getByTestId("model-url-error")).toHaveText(
    "tiny export (q4f32_1, WebGPU) runs on WebGPU (web-llm), which this browser does not offer. Export the model as GGUF to run it on the CPU.",
  );
  await models.getByLabel("Model URL").fill(new URL("exports/broken.json", page.url()).href);
  await models.getByRole("button", { name: "Load URL" }).click();
  await expect(models.getByTestId("model-url-error")).toHaveText("The model file is not JSON.");
  await expect(page.getByTestId("model-status")).toHaveAttribute("data-state", "ready");
});

test("a tiny model trained here and exported as GGUF escalates through the router", async ({
  page,
  openApp,
  cloud,
}) => {
  // Trained in this test process (the training package's warm-up), exported by the GGUF writer.
  const { gguf } = await trainOffloadModel();
  await openApp();
  await page.route("**/trained/tandem-trained.gguf", (r) => r.fulfill({ body: Buffer.from(gguf) }));
  const models = await openPanel(page, "Models");
  await models.getByLabel("Model URL").fill(new URL("trained/tandem-trained.gguf", page.url()).href);
  await models.getByRole("button", { name: "Load URL" }).click();
  await expect(page.getByTestId("model-status")).toHaveText("Ready: tandem-trained.gguf on wllama");
  await page.keyboard.press("Escape");
  await ask(page, "What is 24 + 53?");
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText("cloud");
  await expect(turn.getByTestId("answer")).toContainText("77");
  expect(cloud.requests).toHaveLength(1);
});
