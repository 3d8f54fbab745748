/**
 * The app through the real server's cloud proxy: the key stays on the server. The upstream is the
 * fake Anthropic API started by playwright.config.ts (it stands in for the real cloud).
 */

import { PROXY_KEY, PROXY_UPSTREAM_PORT } from "../playwright.config";
import { ask, expect, lastTurn, test } from "./fixtures/app";
import { cloudAnswer, ESCALATED } from "./fixtures/demo-model";

const upstream = `http://127.0.0.1:${PROXY_UPSTREAM_PORT}`;

test("escalates through the server proxy; the key never reaches the browser", async ({
  page,
  openApp,
  request,
}) => {
  await request.post(`${upstream}/__admin/reset`);
  const seen: string[] = [];
  page.on("request", (r) => seen.push(JSON.stringify([r.url(), r.headers(), r.postData()])));
  page.on("response", async (r) => seen.push(JSON.stringify([r.url(), r.headers()])));
  await openApp({ cloud: { mode: "proxy", baseURL: "", apiKey: "", model: "claude-haiku-4-5" } });
  await expect(page.getByTestId("cloud-status")).toHaveText("Cloud: claude-haiku-4-5 via server");
  await ask(page, ESCALATED.text);
  const turn = lastTurn(page);
  await expect(turn.getByTestId("route-badge")).toHaveText("cloud");
  await expect(turn.getByTestId("answer")).toHaveText(cloudAnswer(ESCALATED));
  const upstreamSaw = (await (await request.get(`${upstream}/__admin/requests`)).json()) as Array<{
    headers: Record<string, string>;
  }>;
  expect(upstreamSaw).toHaveLength(1);
  expect(upstreamSaw[0]!.headers["x-api-key"]).toBe(PROXY_KEY);
  for (const entry of seen) expect(entry).not.toContain(PROXY_KEY);
});
