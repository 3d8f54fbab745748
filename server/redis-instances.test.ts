// Several server instances on one real Redis hold one set of limits, exactly; Redis going away
// fails closed (503) and the servers recover when it is back.
import { expect, it } from "vitest";
import type { RunningServer } from "./start";
import { describeWithRedis } from "./test-redis";
import { messagesBody, testServers } from "./test-servers";

const { cloud, logs, start } = testServers();
let clientsSoFar = 0;
/** Three clients no other test has used (usage stays in Redis for the day). */
const threeClients = () => [1, 2, 3].map(() => `203.0.113.${++clientsSoFar}`);

function post(s: RunningServer, client: string) {
  return fetch(`${s.url}/api/cloud/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-forwarded-for": client,
    },
    body: messagesBody(),
  });
}

/**
 * 300 requests at once, 100 from each client. The instances take turns (request i goes to instance
 * (i + floor(i / 3)) mod 3), so each client's requests are spread over all three. Returns how many
 * of a client's requests got a status.
 */
async function burst(instances: RunningServer[], clients: string[]) {
  const results = await Promise.all(
    Array.from({ length: 300 }, async (_, i) => {
      const client = clients[i % 3]!;
      const res = await post(instances[(i + Math.floor(i / 3)) % 3]!, client);
      await res.text();
      return { client, status: res.status };
    }),
  );
  return (client: string, status: number) =>
    results.filter((r) => r.client === client && r.status === status).length;
}

/** What one request of messagesBody() reserves: its input estimate plus max_tokens. */
const RESERVATION = Math.ceil(messagesBody().length / 4) + 100;

const outageLines = (redisURL: string, message: string) =>
  logs.filter((l) => {
    const line = JSON.parse(l) as { message: string; redis?: string };
    return line.redis === redisURL && line.message.startsWith(message);
  });

describeWithRedis("three instances sharing one Redis", (redis) => {
  const threeInstances = (settings: { requestsPerMinute: number; dailyTokenBudget: number }) =>
    Promise.all([1, 2, 3].map(() => start({ redisURL: redis().url, trustedProxies: 1, ...settings })));

  it("hold one per-client rate limit under 300 concurrent requests", async () => {
    const instances = await threeInstances({ requestsPerMinute: 20, dailyTokenBudget: 10_000_000 });
    const clients = threeClients();
    const count = await burst(instances, clients);
    for (const client of clients) {
      expect(count(client, 200), client).toBe(20);
      expect(count(client, 429), client).toBe(80);
    }
    expect(cloud.requests).toHaveLength(60);
  }, 60_000);

  it("hold one per-client daily token budget under 300 concurrent requests", async () => {
    const instances = await threeInstances({ requestsPerMinute: 1000, dailyTokenBudget: 1000 });
    // Admitted requests wait upstream, so none settles (and frees its reservation) during the burst.
    for (let i = 0; i < 300; i++) cloud.faults.push({ kind: "stall", delayMs: 4000 });
    const clients = threeClients();
    const count = await burst(instances, clients);
    const admitted = Math.ceil(1000 / RESERVATION);
    for (const client of clients) {
      expect(count(client, 200), client).toBe(admitted);
      expect(count(client, 429), client).toBe(100 - admitted);
    }
    expect(cloud.requests).toHaveLength(3 * admitted);
  }, 60_000);
});

describeWithRedis("Redis going away", (redis) => {
  it("fails closed with 503 and one log line, and recovers when Redis is back", async () => {
    const s = await start({ redisURL: redis().url });
    const [client] = threeClients() as [string];
    expect((await post(s, client)).status).toBe(200);

    await redis().stop();
    const forwarded = cloud.requests.length;
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      const res = await post(s, client);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      const body = await res.json();
      expect(body).toMatchObject({ type: "error", error: { type: "api_error" } });
      expect(body.error.message).toMatch(/limits store/);
    }
    expect(cloud.requests).toHaveLength(forwarded);
    expect(outageLines(redis().url, "limits store unavailable")).toHaveLength(1);

    await redis().restart();
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      const res = await post(s, client);
      await res.text();
      status = res.status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect(outageLines(redis().url, "limits store is back")).toHaveLength(1);
    expect(outageLines(redis().url, "limits store unavailable")).toHaveLength(1);
  }, 30_000);
});
