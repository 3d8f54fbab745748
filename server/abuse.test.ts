// Regression tests for the attacks of issue 17 (B1-B10), against the real server on loopback.
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import type { RunningServer } from "./start";
import { messagesBody, TEST_KEY, TEST_MESSAGES, testServers } from "./test-servers";

const KEY = TEST_KEY;
const { cloud, logs, start } = testServers();
const upstreams: Server[] = [];
const messages = TEST_MESSAGES;
const body = messagesBody;

async function post(
  s: RunningServer,
  init: {
    body?: string | Uint8Array<ArrayBuffer>;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
) {
  return fetch(`${s.url}/api/cloud/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...init.headers },
    body: init.body ?? body(),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/**
 * A request with headers fetch will not send (Host), or a body written in pieces (sent chunked: the
 * length is not known when the headers go out).
 */
function rawPost(
  s: RunningServer,
  headers: Record<string, string>,
  payload: string | readonly string[],
): Promise<{ status: number; text: string }> {
  const pieces = typeof payload === "string" ? [payload] : payload;
  const { hostname, port } = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, method: "POST", path: "/api/cloud/v1/messages", headers },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on("error", reject);
    for (const piece of pieces.slice(0, -1)) req.write(piece);
    req.end(pieces.at(-1));
  });
}

/** A stand-in upstream for what the fake cloud cannot do: record raw bytes, echo the key. */
async function localUpstream(
  handle: (raw: string, headers: IncomingHttpHeaders, res: import("node:http").ServerResponse) => void,
): Promise<string> {
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => {
      raw += d;
    });
    req.on("end", () => handle(raw, req.headers, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  upstreams.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function settled(s: RunningServer): Promise<void> {
  const deadline = Date.now() + 5000;
  while (s.inFlight.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(s.inFlight.count).toBe(0);
}

afterAll(() => {
  for (const u of upstreams) {
    u.closeAllConnections();
    u.close();
  }
});

describe("B1: usage of streams that end early", () => {
  it("charges a stream the client abandons before its final usage event", async () => {
    const s = await start({ dailyTokenBudget: 10 });
    cloud.faults.push({ kind: "slow", delayMs: 200 });
    const controller = new AbortController();
    const res = await post(s, { signal: controller.signal });
    await res.body!.getReader().read();
    controller.abort();
    await settled(s);
    expect((await post(s)).status).toBe(429);
    expect(cloud.requests).toHaveLength(1);
  });

  it("charges a stream the upstream drops before its final usage event", async () => {
    const s = await start({ dailyTokenBudget: 10 });
    cloud.faults.push({ kind: "drop", afterDeltas: 2 });
    await expect((await post(s)).text()).rejects.toThrow();
    await settled(s);
    expect((await post(s)).status).toBe(429);
    expect(cloud.requests).toHaveLength(1);
  });

  it("charges a JSON request whose client leaves before the answer", async () => {
    const s = await start({ dailyTokenBudget: 10 });
    cloud.faults.push({ kind: "stall", delayMs: 400 });
    const controller = new AbortController();
    const pending = post(s, { body: body({ stream: false }), signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await settled(s);
    expect((await post(s)).status).toBe(429);
  });
});

describe("B2: the daily budget under concurrency", () => {
  it("reserves max_tokens before forwarding, so 20 concurrent requests cannot all pass", async () => {
    const s = await start({ dailyTokenBudget: 100 });
    // The one request let through streams slowly, so all 20 overlap.
    cloud.faults.push({ kind: "slow", delayMs: 300 });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const res = await post(s);
        await res.text();
        return res.status;
      }),
    );
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 429)).toHaveLength(19);
    expect(cloud.requests).toHaveLength(1);
    // Settled with the real usage (about 20 tokens), the rest of the budget is free again.
    await settled(s);
    expect((await post(s)).status).toBe(200);
  });

  it("releases the reservation when the upstream fails", async () => {
    const s = await start({ dailyTokenBudget: 100 });
    cloud.faults.push({ kind: "status", status: 529 });
    expect((await post(s)).status).toBe(529);
    await settled(s);
    expect((await post(s)).status).toBe(200);
  });
});

describe("B3: client address behind proxies", () => {
  it("rate-limits by the rightmost untrusted X-Forwarded-For hop, not a client-chosen one", async () => {
    const s = await start({ trustProxy: true, requestsPerMinute: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await post(s, { headers: { "x-forwarded-for": `10.9.9.${i}, 203.0.113.9` } });
      await res.text();
      statuses.push(res.status);
    }
    expect(statuses.filter((x) => x === 200)).toHaveLength(5);
    expect(statuses.filter((x) => x === 429)).toHaveLength(10);
  });

  it("skips the configured number of trusted proxies", async () => {
    const s = await start({ trustedProxies: 2, requestsPerMinute: 1 });
    const via = (client: string) => ({ "x-forwarded-for": `6.6.6.6, ${client}, 10.0.0.2` });
    expect((await post(s, { headers: via("198.51.100.7") })).status).toBe(200);
    expect((await post(s, { headers: via("198.51.100.7") })).status).toBe(429);
    expect((await post(s, { headers: via("198.51.100.8") })).status).toBe(200);
  });
});

describe("B4: the body limit while the body streams in", () => {
  it("answers 413 to a huge chunked body without reading it all", async () => {
    const s = await start({ maxBodyBytes: 1000 });
    const total = 48 * 1024 * 1024;
    const { hostname, port } = new URL(s.url);
    const result = await new Promise<{ status: number; sentBeforeAnswer: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = request(
        {
          hostname,
          port,
          method: "POST",
          path: "/api/cloud/v1/messages",
          headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
        },
        (res) => {
          answered = true;
          const sentBeforeAnswer = sent;
          res.resume();
          res.on("end", () => {
            req.destroy();
            resolve({ status: res.statusCode!, sentBeforeAnswer });
          });
        },
      );
      req.on("error", (e) => {
        if (!answered) reject(e);
      });
      const piece = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!answered && sent < total) {
          sent += piece.length;
          if (!req.write(piece)) {
            req.once("drain", pump);
            return;
          }
        }
        if (!answered) req.end();
      };
      req.write('{"messages":"');
      pump();
    });
    expect(result.status).toBe(413);
    expect(result.sentBeforeAnswer).toBeLessThan(16 * 1024 * 1024);
    expect(cloud.requests).toHaveLength(0);
  }, 30_000);

  it("still accepts a small chunked body", async () => {
    const s = await start();
    const text = body();
    const res = await rawPost(s, { "content-type": "application/json", "anthropic-version": "2023-06-01" }, [
      text.slice(0, 20),
      text.slice(20),
    ]);
    expect(res.status).toBe(200);
  });
});

describe("B5: DNS rebinding", () => {
  it("refuses a Host that is not this server's, before any same-origin logic", async () => {
    const s = await start();
    const { port } = new URL(s.url);
    const evil = `evil.example:${port}`;
    const res = await rawPost(
      s,
      {
        host: evil,
        origin: `http://${evil}`,
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
      },
      body(),
    );
    expect(res.status).toBe(421);
    expect(JSON.parse(res.text).error.message).toMatch(/evil\.example/);
    expect(cloud.requests).toHaveLength(0);
  });

  it("accepts loopback names when bound to loopback, and the public origin's host", async () => {
    const s = await start({ publicOrigins: ["https://tandem.example"] });
    const { port } = new URL(s.url);
    const headers = { "content-type": "application/json", "anthropic-version": "2023-06-01" };
    expect((await rawPost(s, { ...headers, host: `localhost:${port}` }, body())).status).toBe(200);
    expect(
      (await rawPost(s, { ...headers, host: "tandem.example", origin: "https://tandem.example" }, body()))
        .status,
    ).toBe(200);
  });
});

describe("B6: what goes upstream", () => {
  it("forwards the validated object re-serialised, not the raw bytes with duplicate keys", async () => {
    let forwarded = "";
    const upstreamURL = await localUpstream((raw, _headers, res) => {
      forwarded = raw;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "message", usage: { input_tokens: 5, output_tokens: 5 } }));
    });
    const s = await start({ upstreamURL, maxTokensCap: 100 });
    const raw = `{"model":"gpt-4","max_tokens":99999,"model":"claude-haiku-4-5","max_tokens":100,"messages":${JSON.stringify(messages)}}`;
    const res = await post(s, { body: raw });
    expect(res.status).toBe(200);
    expect(forwarded).not.toMatch(/gpt-4|99999/);
    expect(JSON.parse(forwarded)).toEqual({ model: "claude-haiku-4-5", messages, max_tokens: 100 });
  });
});

describe("B7: allowlist of fields and headers", () => {
  it("refuses tools, mcp_servers, thinking, unknown fields and beta headers unless enabled", async () => {
    const s = await start();
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ tools: [{ name: "t", input_schema: { type: "object" } }] }, /tools/],
      [{ tool_choice: { type: "auto" } }, /tool_choice/],
      [{ mcp_servers: [{ type: "url", url: "https://mcp.example", name: "m" }] }, /mcp_servers/],
      [{ thinking: { type: "enabled", budget_tokens: 50 } }, /thinking/],
      [{ container: "c" }, /container/],
      [{ metadata: { user_id: "u", extra: 1 } }, /metadata/],
      [{ temperature: 3 }, /temperature/],
      [
        { messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "x" } }] }] },
        /image/,
      ],
    ];
    for (const [extra, message] of refused) {
      const res = await post(s, { body: body(extra) });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect((await res.json()).error.message).toMatch(message);
    }
    const beta = await post(s, { headers: { "anthropic-beta": "mcp-client-2025-04-04" } });
    expect(beta.status).toBe(400);
    expect((await beta.json()).error.message).toMatch(/mcp-client-2025-04-04/);
    expect(cloud.requests).toHaveLength(0);
  });

  it("forwards only allowed fields and headers, and enabled features", async () => {
    const s = await start({
      enabledFeatures: ["tools"],
      allowedBetas: ["fine-grained-tool-streaming-2025-05-14"],
    });
    const tools = [{ name: "t", input_schema: { type: "object" } }];
    const res = await post(s, {
      headers: {
        "anthropic-beta": "fine-grained-tool-streaming-2025-05-14",
        "anthropic-dangerous-direct-browser-access": "true",
      },
      body: body({
        system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
        temperature: 0.5,
        metadata: { user_id: "u1" },
        tools,
        messages: [{ role: "user", content: [{ type: "text", text: "What is 6*7?", cache_control: {} }] }],
      }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const sent = cloud.requests[0]!;
    expect(sent.headers["anthropic-beta"]).toBe("fine-grained-tool-streaming-2025-05-14");
    expect(sent.headers["anthropic-dangerous-direct-browser-access"]).toBeUndefined();
    expect(sent.body).toEqual({
      model: "claude-haiku-4-5",
      messages: [{ role: "user", content: [{ type: "text", text: "What is 6*7?" }] }],
      max_tokens: 100,
      system: [{ type: "text", text: "Be brief." }],
      temperature: 0.5,
      stream: true,
      metadata: { user_id: "u1" },
      tools,
    });
  });
});

describe("B8: bodies that are not an object", () => {
  it("answers every non-object JSON body with an Anthropic-format 400", async () => {
    const s = await start();
    for (const raw of ["null", "[]", "42", '"text"', "true"]) {
      const res = await post(s, { body: raw });
      expect(res.status, raw).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect((await res.json()).error.type).toBe("invalid_request_error");
    }
    expect(cloud.requests).toHaveLength(0);
  });
});

describe("B9: secrets in what came from upstream", () => {
  it("scrubs the key and any sk-ant- secret from upstream error bodies, headers and logs", async () => {
    const upstreamURL = await localUpstream((_raw, headers, res) => {
      res.writeHead(401, { "content-type": "application/json", "request-id": `req_${headers["x-api-key"]}` });
      res.end(
        JSON.stringify({
          type: "error",
          error: {
            type: "authentication_error",
            message: `invalid x-api-key ${headers["x-api-key"]} (also tried sk-ant-api03-OtherKey_x-9)`,
          },
        }),
      );
    });
    const s = await start({ upstreamURL, logBodies: true });
    const res = await post(s, { body: body({ system: "my key is sk-ant-api03-pasted-by-user" }) });
    const text = await res.text();
    expect(res.status).toBe(401);
    expect(JSON.parse(text).error.message).toContain("[redacted]");
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/sk-ant-/);
    expect(res.headers.get("request-id")).not.toContain(KEY);
    await settled(s);
    for (const l of logs) expect(l).not.toMatch(/sk-ant-/);
  });

  it("scrubs a key split across stream chunks", async () => {
    const upstreamURL = await localUpstream((_raw, headers, res) => {
      const key = String(headers["x-api-key"]);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(
        `event: error\ndata: {"type":"error","error":{"type":"api_error","message":"bad ${key.slice(0, 10)}`,
      );
      setTimeout(() => res.end(`${key.slice(10)}"}}\n\n`), 50);
    });
    const s = await start({ upstreamURL });
    const text = await (await post(s)).text();
    expect(text).toContain('"message":"bad [redacted]"');
    expect(text).not.toContain(KEY.slice(0, 10));
  });
});

describe("B10: encodings", () => {
  const encode = (s: string) => new TextEncoder().encode(s);
  it("refuses a body with a UTF-8 byte order mark", async () => {
    const s = await start();
    const res = await post(s, { body: new Uint8Array([0xef, 0xbb, 0xbf, ...encode(body())]) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/byte order mark/);
    expect(cloud.requests).toHaveLength(0);
  });

  it("refuses invalid UTF-8 and accepts valid multi-byte text", async () => {
    const s = await start();
    const [before, after] = body().split("What");
    const res = await post(s, {
      body: new Uint8Array([...encode(before!), 0xc3, 0x28, ...encode(`What${after}`)]),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/UTF-8/);
    expect(cloud.requests).toHaveLength(0);
    const ok = await post(s, { body: body({ messages: [{ role: "user", content: "¿6*7? 🙂 é" }] }) });
    expect(ok.status).toBe(200);
  });
});

describe("the key", () => {
  it("never appears in a log line", () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) expect(l).not.toContain(KEY);
  });
});

describe("configuration of the new settings", () => {
  it("reads them and rejects bad values with the setting's name", () => {
    const c = loadConfig({
      TANDEM_TRUSTED_PROXIES: "2",
      TANDEM_PUBLIC_ORIGIN: "https://chat.example",
      TANDEM_ENABLE_FEATURES: "tools, thinking",
      TANDEM_ALLOWED_BETAS: "a-2025-01-01",
    });
    expect(c).toMatchObject({
      trustedProxies: 2,
      publicOrigins: ["https://chat.example"],
      enabledFeatures: ["tools", "thinking"],
      allowedBetas: ["a-2025-01-01"],
    });
    expect(() => loadConfig({ TANDEM_TRUSTED_PROXIES: "1.5" })).toThrow(/TANDEM_TRUSTED_PROXIES/);
    expect(() => loadConfig({ TANDEM_PUBLIC_ORIGIN: "https://chat.example/app" })).toThrow(
      /TANDEM_PUBLIC_ORIGIN/,
    );
    expect(() => loadConfig({ TANDEM_ENABLE_FEATURES: "images" })).toThrow(
      /TANDEM_ENABLE_FEATURES: "images"/,
    );
  });
});
