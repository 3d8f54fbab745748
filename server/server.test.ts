// The real server on loopback, proxying to the fake Anthropic API (which stands in for the real
// cloud: no internet in tests).
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import type { RunningServer } from "./start";
import { messagesBody, TEST_KEY, testServers } from "./test-servers";

const KEY = TEST_KEY;
let publicDir: string;
const { cloud, logs, start } = testServers(() => publicDir);
const seenResponses: string[] = [];
const body = messagesBody;

async function post(s: RunningServer, init: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${s.url}/api/cloud/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...init.headers },
    body: init.body ?? body(),
  });
  const text = await res.text();
  seenResponses.push(JSON.stringify([...res.headers]), text);
  return { res, text };
}

beforeAll(async () => {
  publicDir = join(await mkdtemp(join(tmpdir(), "tandem-server-")), "public");
  await mkdir(join(publicDir, "assets"), { recursive: true });
  await mkdir(join(publicDir, "models"), { recursive: true });
  await writeFile(join(publicDir, "index.html"), "<!doctype html><title>Tandem</title>");
  await writeFile(join(publicDir, "assets", "app-abc123.js"), "console.log(1)");
  await writeFile(join(publicDir, "assets", "engine.wasm"), new Uint8Array([0, 97, 115, 109]));
  await writeFile(join(publicDir, "models", "m.gguf"), "GGUF");
  await writeFile(join(publicDir, "..", "secret.txt"), "do not serve");
});

describe("cloud proxy", () => {
  it("passes the stream through byte for byte and adds the key upstream", async () => {
    const s = await start();
    const { res, text } = await post(s);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(text).toBe(cloud.requests[0]!.sent);
    expect(text).toContain("**42**");
    expect(cloud.requests[0]!.headers["x-api-key"]).toBe(KEY);
  });

  it("forwards each event as it arrives instead of buffering the stream", async () => {
    const s = await start();
    cloud.faults.push({ kind: "slow", delayMs: 150 });
    const t0 = Date.now();
    const res = await fetch(`${s.url}/api/cloud/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: body(),
    });
    const reader = res.body!.getReader();
    const arrivals: number[] = [];
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      arrivals.push(Date.now() - t0);
    }
    expect(arrivals.length).toBeGreaterThan(3);
    expect(arrivals[0]!).toBeLessThan(arrivals.at(-1)! - 400);
  });

  it("keeps upstream connections open for the next requests", async () => {
    let connections = 0;
    const upstream = createServer((req, res) => {
      req.resume().on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "message", usage: { input_tokens: 5, output_tokens: 5 } }));
      });
    }).on("connection", () => connections++);
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const s = await start({ upstreamURL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    for (let i = 0; i < 5; i++)
      expect((await post(s, { body: body({ stream: false }) })).res.status).toBe(200);
    expect(connections).toBe(1);
    upstream.closeAllConnections();
    upstream.close();
  });

  it("rejects an oversized body with 413", async () => {
    const s = await start({ maxBodyBytes: 1000 });
    const { res, text } = await post(s, {
      body: body({ messages: [{ role: "user", content: "x".repeat(5000) }] }),
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(text).error.type).toBe("request_too_large");
    expect(cloud.requests).toHaveLength(0);
  });

  it("rejects other origins with 403 and allows listed ones", async () => {
    const s = await start({ allowedOrigins: ["https://ok.example"] });
    expect((await post(s, { headers: { origin: "https://evil.example" } })).res.status).toBe(403);
    expect((await post(s, { headers: { origin: "https://ok.example" } })).res.status).toBe(200);
    expect((await post(s, { headers: { origin: s.url } })).res.status).toBe(200);
  });

  it("lets pages of allowed origins read answers cross-origin, after a preflight", async () => {
    const s = await start({ allowedOrigins: ["https://ok.example"] });
    const preflight = (origin: string) =>
      fetch(`${s.url}/api/cloud/v1/messages`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "x-api-key",
        },
      });
    const allowed = await preflight("https://ok.example");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://ok.example");
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("x-api-key");
    expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
    const { res } = await post(s, { headers: { origin: "https://ok.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://ok.example");
    expect(res.headers.get("access-control-expose-headers")).toContain("request-id");
    expect(res.headers.get("vary")).toContain("Origin");
    expect((await fetch(`${s.url}/api/cloud/status`)).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("requires a valid site token when tokens are configured", async () => {
    const s = await start({ siteTokens: ["site-a"] });
    expect((await post(s)).res.status).toBe(401);
    expect((await post(s, { headers: { authorization: "Bearer wrong" } })).res.status).toBe(401);
    expect((await post(s, { headers: { authorization: "Bearer site-a" } })).res.status).toBe(200);
  });

  it("rate-limits a client with 429 and retry-after", async () => {
    const s = await start({ requestsPerMinute: 2 });
    await post(s);
    await post(s);
    const { res, text } = await post(s);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(text).error.type).toBe("rate_limit_error");
  });

  it("stops a client at its daily token budget", async () => {
    const s = await start({ dailyTokenBudget: 5 });
    expect((await post(s)).res.status).toBe(200);
    const { res } = await post(s);
    expect(res.status).toBe(429);
    expect(res.headers.get("x-should-retry")).toBe("false");
  });

  it("validates model, max_tokens and message count", async () => {
    const s = await start({ maxTokensCap: 50, maxMessages: 1 });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ model: "gpt-4" }, /Model gpt-4 is not allowed/],
      [{ max_tokens: 51 }, /max_tokens may be at most 50/],
      [
        {
          max_tokens: 10,
          messages: [
            { role: "user", content: "a" },
            { role: "user", content: "b" },
          ],
        },
        /At most 1 messages/,
      ],
    ];
    for (const [extra, message] of cases) {
      const { res, text } = await post(s, { body: body(extra) });
      expect(res.status).toBe(400);
      expect(JSON.parse(text).error.message).toMatch(message);
    }
    expect(cloud.requests).toHaveLength(0);
  });

  it("passes upstream 529 and 500 through in Anthropic's format", async () => {
    const s = await start();
    cloud.faults.push({ kind: "status", status: 529 }, { kind: "status", status: 500 });
    const a = await post(s);
    expect(a.res.status).toBe(529);
    expect(JSON.parse(a.text).error.type).toBe("overloaded_error");
    const b = await post(s);
    expect(b.res.status).toBe(500);
    expect(JSON.parse(b.text).error.type).toBe("api_error");
  });

  it("answers 502 with a clear message when the upstream is down", async () => {
    const s = await start({ upstreamURL: "http://127.0.0.1:9" });
    const { res, text } = await post(s);
    expect(res.status).toBe(502);
    expect(JSON.parse(text).error.message).toMatch(/could not be reached/);
  });

  it("says the cloud is not configured, without retries, when there is no key", async () => {
    const s = await start({ apiKey: undefined });
    const { res, text } = await post(s);
    expect(res.status).toBe(503);
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect(JSON.parse(text).error.message).toMatch(/ANTHROPIC_API_KEY/);
    const status = await (await fetch(`${s.url}/api/cloud/status`)).json();
    expect(status.configured).toBe(false);
  });

  it("frees the upstream connection when clients go away (100 cycles, no leak)", async () => {
    const s = await start();
    for (let i = 0; i < 100; i++) {
      cloud.faults.push({ kind: "slow", delayMs: 200 });
      const controller = new AbortController();
      const res = await fetch(`${s.url}/api/cloud/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: body(),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
    }
    const deadline = Date.now() + 5000;
    while ((s.inFlight.count > 0 || (await cloud.connections()) > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(s.inFlight.count).toBe(0);
    expect(await cloud.connections()).toBe(0);
  }, 60_000);

  it("times out an upstream stream that goes silent", async () => {
    const s = await start({ streamIdleTimeoutMs: 100 });
    cloud.faults.push({ kind: "slow", delayMs: 500 });
    const res = await fetch(`${s.url}/api/cloud/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: body(),
    });
    await expect(res.text()).rejects.toThrow();
    expect(s.inFlight.count).toBe(0);
  });
});

describe("static files", () => {
  it("serves the app with a strict CSP and hashed assets as immutable", async () => {
    const s = await start({ embedOrigins: ["https://blog.example"] });
    const index = await fetch(`${s.url}/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("frame-ancestors 'self' https://blog.example");
    const asset = await fetch(`${s.url}/assets/app-abc123.js`);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${s.url}/assets/engine.wasm`)).headers.get("content-type")).toBe("application/wasm");
    const model = await fetch(`${s.url}/models/m.gguf`);
    expect(model.headers.get("content-type")).toBe("application/octet-stream");
    expect(model.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("never serves files outside the public folder", async () => {
    const s = await start();
    const { port } = new URL(s.url);
    const attempts = [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
      "//secret.txt",
      "/%252e%252e/secret.txt",
    ];
    for (const path of attempts) {
      const raw = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), "127.0.0.1", () => {
          socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
        });
        let data = "";
        socket.on("data", (d) => {
          data += d;
        });
        socket.on("close", () => resolve(data));
      });
      expect(raw, path).toMatch(/^HTTP\/1\.1 (404|400)/);
      expect(raw, path).not.toContain("do not serve");
    }
  });

  it("drops a client that never finishes its request", async () => {
    const s = await start({ requestTimeoutMs: 300 });
    const { port } = new URL(s.url);
    const t0 = Date.now();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), "127.0.0.1", () => socket.write("GET / HTTP/1.1\r\nHost: x\r\n"));
      socket.on("data", (d) => {
        resolve(String(d));
        socket.destroy();
      });
      socket.on("close", () => resolve(""));
      socket.on("error", () => {});
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 15_000);

  it("reports health", async () => {
    const s = await start();
    expect(await (await fetch(`${s.url}/healthz`)).json()).toMatchObject({
      status: "ok",
      cloudConfigured: true,
    });
  });
});

describe("the key", () => {
  it("never appears in any response, header or log line", () => {
    expect(seenResponses.length).toBeGreaterThan(10);
    for (const r of seenResponses) expect(r).not.toContain(KEY);
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) expect(l).not.toContain(KEY);
  });
});

describe("configuration", () => {
  it("rejects bad values with the setting's name", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT must be a non-negative number/);
    expect(() => loadConfig({ TANDEM_ALLOWED_ORIGINS: "https://a.example/path" })).toThrow(
      /must be a bare origin/,
    );
    expect(() => loadConfig({ TANDEM_LOG_BODIES: "maybe" })).toThrow(
      /TANDEM_LOG_BODIES must be true or false/,
    );
    expect(() => loadConfig({ TANDEM_CONFIG: "/nonexistent.json" })).toThrow(
      /cannot read \/nonexistent\.json/,
    );
    expect(loadConfig({ TANDEM_MODELS: "a, b" }).models).toEqual(["a", "b"]);
  });

  it("reads TANDEM_REDIS_URL, absent by default, and never repeats it in an error", () => {
    expect(loadConfig({}).redisURL).toBeUndefined();
    expect(loadConfig({ TANDEM_REDIS_URL: "rediss://:pw@redis.internal:6380/2" }).redisURL).toBe(
      "rediss://:pw@redis.internal:6380/2",
    );
    const bad = () => loadConfig({ TANDEM_REDIS_URL: "http://:pw@redis.internal" });
    expect(bad).toThrow(/TANDEM_REDIS_URL must be a URL like redis:\/\/host:6379/);
    expect(bad).not.toThrow(/pw/);
  });
});
