/**
 * The runtime core end to end: the real built page, real wllama running the bundled GAPG model (with
 * its card: prompt, greedy decoding, offload bias), the real router and Anthropic SDK; the cloud is
 * the local fake Anthropic API.
 */

import { mkdir, readFile } from "node:fs/promises";
import { trainOffloadModel } from "@tandem/training/fixtures/trained-offload-model";
import { splitReasoning } from "../src/app/chat/reasoning";
import { ask, expect, lastTurn, openPanel, test, watchAnswers } from "./fixtures/app";
import { cloudAnswer, DEMO_DECISIONS, ESCALATED, LOCAL } from "./fixtures/demo-model";
import { UNREACHABLE_EXPORT } from "./fixtures/tandem-model";

const MARKER_PIECES = ["<|", "offload", "<unknown>"];
const SCREENSHOTS = "test-results/screenshots";

test("answers a carry-free sum on the device, its working collapsed, and shows its card", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp();
  await expect(page.getByTestId("welcome-card")).toContainText("Trained here with GAPG on sums");
  await ask(page, LOCAL.text);
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText("on device");
  await expect(turn.getByTestId("answer")).toHaveText(LOCAL.answer!);
  const working = turn.getByTestId("answer-working");
  await expect(working).not.toHaveAttribute("open");
  await expect(working).toContainText(/\d\+\d=\d/, { useInnerText: false });
  expect(cloud.requests).toHaveLength(0);
  await working.locator("summary").click();
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/answer-with-working.png`, fullPage: true });
  const models = await openPanel(page, "Models");
  await expect(models.getByTestId("engine-choice")).toHaveAttribute("data-backend", "wllama");
  await expect(models.getByTestId("model-card-summary")).toContainText("asks the cloud for");
  await expect(models.getByTestId("model-card-evaluation")).toContainText("accuracy at");
  await models.screenshot({ path: `${SCREENSHOTS}/model-card.png` });
});

test("decides every held-out prompt exactly as the training package's evaluator did", async ({
  page,
  openApp,
  cloud,
}) => {
  // No app budget: every escalation shown is the model's own decision.
  await openApp({ budgetShare: 1 });
  for (const d of DEMO_DECISIONS) {
    await ask(page, d.text);
    const turn = lastTurn(page);
    await expect(turn).toHaveAttribute("data-status", "done");
    await expect(turn.getByTestId("route-badge"), d.text).toHaveText(
      d.route === "local" ? "on device" : "cloud",
    );
    // On the device: the answer part of the evaluator's own text, as the app splits any local text (a
    // model that writes no <answer> tag shows what it wrote after its working).
    await expect(turn.getByTestId("answer"), d.text).toHaveText(
      d.route === "local" ? splitReasoning(d.completion).answer : cloudAnswer(d),
    );
  }
  expect(cloud.requests).toHaveLength(DEMO_DECISIONS.filter((d) => d.route === "cloud").length);
});

test("hands off to the cloud at the offload token mid-reasoning; the marker never shows", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp();
  const seen = await watchAnswers(page);
  await ask(page, ESCALATED.text);
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText("cloud");
  await expect(turn.getByTestId("answer")).toHaveText(cloudAnswer(ESCALATED));
  await expect(turn.getByTestId("answer").locator("strong")).toHaveText(ESCALATED.expected);
  // The model started working and asked at the column it cannot do: its draft is kept.
  await expect(turn.getByTestId("draft-working")).toContainText("=", { useInnerText: false });
  for (const text of await seen()) for (const piece of MARKER_PIECES) expect(text).not.toContain(piece);
  expect(cloud.requests).toHaveLength(1);
  // The cloud gets the user's own message: not the local draft (as in the paper), not the model's prompt.
  const body = JSON.stringify(cloud.requests[0]!.body);
  expect(body).toContain(ESCALATED.text);
  expect(body).not.toContain("<think>");
});

test("consent declined: answers locally with the marker banned, nothing sent", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp({ consent: true });
  await ask(page, ESCALATED.text);
  const dialog = page.getByRole("dialog", { name: "Send this to the cloud?" });
  await expect(dialog.getByTestId("consent-messages")).toContainText(ESCALATED.text);
  await dialog.getByRole("button", { name: "Keep it on this device" }).click();
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText(
    "on device (cloud declined: you declined sending this to the cloud)",
  );
  await expect(turn.getByTestId("answer")).toHaveText(ESCALATED.answer!);
  expect(cloud.requests).toHaveLength(0);
});

test("privacy mode makes no network request at all", async ({ page, openApp, cloud }) => {
  await openApp({ privacy: true });
  const appOrigin = new URL(page.url()).origin;
  const requests: string[] = [];
  // The app may fetch its own lazily loaded code; nothing may go anywhere else.
  page.on("request", (r) => new URL(r.url()).origin !== appOrigin && requests.push(r.url()));
  await page.route(`${cloud.url}/**`, (route) => route.abort());
  await ask(page, ESCALATED.text);
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText("on device");
  await expect(turn.getByTestId("answer")).toHaveText(ESCALATED.answer!);
  expect(requests).toEqual([]);
  expect(cloud.requests).toHaveLength(0);
});

test("retries an overloaded cloud (529) and then streams the answer", async ({ page, openApp, cloud }) => {
  await openApp();
  cloud.faults.push({ kind: "status", status: 529, retryAfterSeconds: 0 });
  await ask(page, ESCALATED.text);
  await expect(lastTurn(page).getByTestId("answer")).toHaveText(cloudAnswer(ESCALATED));
  expect(cloud.requests).toHaveLength(2);
});

test("a dropped cloud stream keeps the partial text and offers a local answer", async ({
  page,
  openApp,
  cloud,
}) => {
  await openApp();
  cloud.faults.push({ kind: "drop", afterDeltas: 2 });
  await ask(page, ESCALATED.text);
  const turn = lastTurn(page);
  await expect(turn.getByTestId("turn-error")).toContainText("dropped in the middle of the answer");
  // The fake cloud streams a word per delta.
  const partial = (cloudAnswer(ESCALATED).match(/\S+\s*/g) ?? []).slice(0, 2).join("").trim();
  await expect(turn.getByTestId("answer")).toHaveText(partial);
  await turn.getByRole("button", { name: "Answer on this device instead" }).click();
  await expect(turn.getByTestId("answer")).toHaveText(ESCALATED.answer!);
  await expect(turn.getByTestId("draft")).toContainText(partial, { useInnerText: false });
});

test("a corrupt or truncated GGUF gives a clear error and the loaded model keeps answering", async ({
  page,
  openApp,
}) => {
  await openApp();
  const good = await readFile("public/models/tandem-demo.gguf");
  await page.route("**/broken/truncated.gguf", (r) =>
    r.fulfill({ body: good.subarray(0, good.length - 4096) }),
  );
  await page.route("**/broken/page.gguf", (r) => r.fulfill({ body: "<html>404 Not Found</html>" }));
  const status = page.getByTestId("model-status");
  const failed = page.getByTestId("model-load-failed");
  const models = await openPanel(page, "Models");
  await models.getByLabel("Model URL").fill(new URL("broken/truncated.gguf", page.url()).href);
  await models.getByRole("button", { name: "Load URL" }).click();
  await expect(failed).toContainText(/truncated: tensor "[^"]+" needs bytes up to \d+ but the file has \d+/);
  await expect(failed).toContainText("Still using Tandem demo (tiny, bundled).");
  await expect(status).toHaveAttribute("data-state", "ready");
  await models.getByLabel("Model URL").fill(new URL("broken/page.gguf", page.url()).href);
  await models.getByRole("button", { name: "Load URL" }).click();
  await expect(failed).toContainText("not a GGUF model");
  await page.keyboard.press("Escape");
  await ask(page, LOCAL.text);
  await expect(lastTurn(page).getByTestId("answer")).toHaveText(LOCAL.answer!);
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

test("a real instruct model from the CPU catalogue downloads from its model host, with progress", async ({
  page,
  openApp,
}) => {
  // The model host (huggingface.co) is unreachable here: a route serves a GGUF in its place.
  const { gguf } = await trainOffloadModel();
  const hostRequests: string[] = [];
  await page.route("https://huggingface.co/**", (r) => {
    hostRequests.push(r.request().url());
    return r.fulfill({ body: Buffer.from(gguf), headers: { "content-length": String(gguf.length) } });
  });
  await openApp();
  const models = await openPanel(page, "Models");
  const label = "Qwen2.5-0.5B-Instruct (Q4_K_M, CPU)";
  await expect(models.getByTestId("catalogue")).toContainText(`${label} · 468.3 MB download`);
  await models.getByRole("button", { name: `Load ${label}` }).click();
  await expect(page.getByTestId("model-status")).toHaveText(`Ready: ${label} on wllama`);
  expect(hostRequests).toEqual([
    "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf",
  ]);
  await expect(models.getByRole("button", { name: `Load ${label}` })).toHaveText("Loaded");
});
