/**
 * The real server on loopback for the server's tests, proxying to the fake Anthropic API (which
 * stands in for the real cloud: no internet in tests). `testServers` registers its own vitest
 * hooks: the fake cloud starts before the file's tests and is reset before each, and every server
 * started is shut down after them.
 */

import { tmpdir } from "node:os";
import { FakeCloud } from "@tandem/training/cloud/fake-anthropic/server";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { loadConfig, type ServerConfig } from "./config";
import { jsonLogger } from "./log";
import { type RunningServer, startServer } from "./start";

export const TEST_KEY = "sk-ant-secret-server-key-123";

/** `publicDir` is read when a server starts (a file may create it in its own beforeAll). */
export function testServers(publicDir: () => string = tmpdir) {
  const cloud = new FakeCloud({ apiKey: TEST_KEY });
  const logs: string[] = [];
  const running: RunningServer[] = [];
  beforeAll(async () => {
    await cloud.start();
  });
  afterAll(async () => {
    for (const s of running) await s.shutdown();
    await cloud.stop();
  });
  beforeEach(() => {
    cloud.faults.length = 0;
    cloud.requests.length = 0;
  });
  async function start(overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
    const config: ServerConfig = {
      ...loadConfig({}),
      port: 0,
      publicDir: publicDir(),
      apiKey: TEST_KEY,
      upstreamURL: cloud.url,
      models: ["claude-haiku-4-5"],
      requestsPerMinute: 1000,
      ...overrides,
    };
    const s = await startServer(config, { log: jsonLogger((l) => logs.push(l)) });
    running.push(s);
    return s;
  }
  return { cloud, logs, start };
}

export const TEST_MESSAGES = [{ role: "user", content: "What is 6*7?" }];

/** A streamed Messages API request asking what 6*7 is, with `extra` fields on top. */
export const messagesBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "claude-haiku-4-5",
    max_tokens: 100,
    stream: true,
    messages: TEST_MESSAGES,
    ...extra,
  });
