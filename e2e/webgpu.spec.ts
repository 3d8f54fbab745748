/**
 * The engine choice on a browser with WebGPU: Chromium's software adapter (SwiftShader) has no
 * shader-f16, so the probe must pick web-llm with q4f32 weights. The web-llm model library cannot
 * be downloaded here (no internet), so loading one must fail with a clear error through the real
 * worker, and the bundled GGUF model still runs on the CPU engine.
 */

import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../playwright.config";
import { expect, openPanel, test } from "./fixtures/app";
import { UNREACHABLE_EXPORT } from "./fixtures/tandem-model";

test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, "--enable-unsafe-webgpu"] },
});

test("software WebGPU without shader-f16 picks web-llm q4f32 weights", async ({ page, openApp }) => {
  await openApp();
  const models = await openPanel(page, "Models");
  const choice = models.getByTestId("engine-choice");
  await expect(choice).toHaveAttribute("data-backend", "webllm");
  await expect(choice).toContainText("q4f32");
  await expect(models.getByTestId("catalogue")).toContainText("Qwen2.5-0.5B-Instruct (q4f32_1, WebGPU)");
  await expect(page.getByTestId("model-status")).toContainText("on wllama");
});

test("a web-llm model that cannot be fetched fails clearly through the worker", async ({ page, openApp }) => {
  await openApp();
  const models = await openPanel(page, "Models");
  await models.getByRole("button", { name: "Load Qwen2.5-0.5B-Instruct (q4f32_1, WebGPU)" }).click();
  // The failure is said, and the bundled model (on the CPU engine) is loaded again and keeps answering.
  const failed = page.getByTestId("model-load-failed");
  await expect(failed).toContainText("The WebGPU engine could not load", { timeout: 45_000 });
  await expect(failed).toContainText("Still using Tandem demo (tiny, bundled).");
  await expect(page.getByTestId("model-status")).toHaveText("Ready: Tandem demo (tiny, bundled) on wllama");
});

test("an exported model file (tandem-model.json) loads through web-llm's worker", async ({
  page,
  openApp,
}) => {
  await openApp();
  await page.route("**/exports/tandem-model.json", (r) => r.fulfill({ json: UNREACHABLE_EXPORT }));
  const models = await openPanel(page, "Models");
  await models.getByLabel("Model URL").fill(new URL("exports/tandem-model.json", page.url()).href);
  await models.getByRole("button", { name: "Load URL" }).click();
  const failed = page.getByTestId("model-load-failed");
  await expect(failed).toContainText('The WebGPU engine could not load "tiny export (q4f32_1, WebGPU)"', {
    timeout: 45_000,
  });
  await expect(page.getByTestId("model-status")).toHaveAttribute("data-state", "ready");
});
