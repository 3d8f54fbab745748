import { defineConfig } from "@playwright/test";

/** Debian's Chromium (Playwright's own browser download is not reachable here). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const PORT = Number(process.env.E2E_PORT ?? 4173);
/** Two host sites that embed the widget in e2e/widget.spec.ts (127.0.0.1 and localhost are different sites). */
export const WIDGET_HOSTS = ["http://127.0.0.1:4190", "http://localhost:4191"] as const;
/** The fake Anthropic API behind the server's proxy (stands in for the real cloud: no internet). */
export const PROXY_UPSTREAM_PORT = 8788;
export const PROXY_KEY = "sk-ant-server-side-test-key";

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // Two cores: one browser at a time keeps timings stable.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: "chromium",
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
  },
  webServer: [
    {
      command: `npx tsx training/src/cloud/fake-anthropic/cli.ts ${PROXY_UPSTREAM_PORT}`,
      url: `http://127.0.0.1:${PROXY_UPSTREAM_PORT}/__admin/requests`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      // The real server (the README's `npm start` minus the build), proxying to the fake cloud.
      command: "npx tsx server/main.ts",
      url: `http://127.0.0.1:${PORT}/healthz`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      env: {
        PORT: String(PORT),
        ANTHROPIC_API_KEY: PROXY_KEY,
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${PROXY_UPSTREAM_PORT}`,
        TANDEM_MODELS: "claude-haiku-4-5",
        TANDEM_REQUESTS_PER_MINUTE: "600",
        TANDEM_EMBED_ORIGINS: WIDGET_HOSTS.join(","),
      },
    },
  ],
});
