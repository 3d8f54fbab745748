// The Redis limit store against a real redis-server, and the contract it shares with the in-memory
// store (each case runs on both).
import { afterAll, describe, expect, it } from "vitest";
import { InMemoryLimitStore, type LimitStore, LimitStoreUnavailable } from "./limits";
import { jsonLogger } from "./log";
import { RedisConnection } from "./redis-connection";
import { RESERVATION_TTL_MS, RedisLimitStore, redisKeys } from "./redis-limits";
import { describeWithRedis } from "./test-redis";

const DAY = 86_400_000;
let clients = 0;
/** A client no other test has used (the Redis lives for the whole file). */
const fresh = () => `198.51.100.${++clients}`;

const connections: RedisConnection[] = [];
afterAll(async () => {
  for (const c of connections) await c.close();
});

async function redisStore(url: string) {
  const logs: string[] = [];
  const connection = new RedisConnection(
    url,
    jsonLogger((l) => logs.push(l)),
  );
  connections.push(connection);
  const store = new RedisLimitStore(connection);
  await store.ready();
  return { store, client: connection.client, logs };
}

function contract(makeStore: () => Promise<LimitStore>) {
  it("lets perMinute requests through, then says how long to wait", async () => {
    const store = await makeStore();
    const client = fresh();
    const now = Date.now();
    for (let i = 0; i < 3; i++) expect(await store.takeRequest(client, 3, now)).toBeUndefined();
    const wait = await store.takeRequest(client, 3, now);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await store.takeRequest(fresh(), 3, now)).toBeUndefined();
  });

  it("reserves while used + reserved is under the budget, and settles with the real usage", async () => {
    const store = await makeStore();
    const client = fresh();
    const now = Date.now();
    expect(await store.reserveTokens(client, 60, 100, now)).toBe(true);
    expect(await store.reserveTokens(client, 60, 100, now)).toBe(true);
    expect(await store.reserveTokens(client, 1, 100, now)).toBe(false);
    await store.settleTokens(client, 60, 10, now);
    // 60 still reserved + 10 used.
    expect(await store.reserveTokens(client, 30, 100, now)).toBe(true);
    expect(await store.reserveTokens(client, 1, 100, now)).toBe(false);
    await store.settleTokens(client, 60, 0, now);
    await store.settleTokens(client, 30, 0, now);
    expect(await store.reserveTokens(client, 500, 100, now)).toBe(true);
    expect(await store.reserveTokens(fresh(), 1, 100, now)).toBe(true);
  });

  it("starts a new budget when the UTC day changes", async () => {
    const store = await makeStore();
    const client = fresh();
    const today = Date.now();
    expect(await store.reserveTokens(client, 100, 100, today)).toBe(true);
    await store.settleTokens(client, 100, 100, today);
    expect(await store.reserveTokens(client, 1, 100, today)).toBe(false);
    const tomorrow = today + DAY;
    expect(await store.reserveTokens(client, 1, 100, tomorrow)).toBe(true);
  });
}

describe("in-memory limit store", () => contract(async () => new InMemoryLimitStore()));

describeWithRedis("Redis limit store", (redis) => {
  contract(async () => (await redisStore(redis().url)).store);

  it("expires every key: usage when its UTC day ends, reservations and the request window", async () => {
    const { store, client: r } = await redisStore(redis().url);
    const client = fresh();
    const now = Date.now();
    await store.takeRequest(client, 10, now);
    expect(await store.reserveTokens(client, 50, 100, now)).toBe(true);
    expect(await store.reserveTokens(client, 5, 100, now)).toBe(true);
    await store.settleTokens(client, 50, 20, now);
    const keys = redisKeys(client, now);
    const untilMidnight = (Math.floor(now / DAY) + 1) * DAY - now;
    const used = await r.pttl(keys.used);
    expect(used).toBeLessThanOrEqual(untilMidnight);
    expect(used).toBeGreaterThan(untilMidnight - 5000);
    const reserved = await r.pttl(keys.reserved);
    expect(reserved).toBeGreaterThan(0);
    expect(reserved).toBeLessThanOrEqual(RESERVATION_TTL_MS);
    const rate = await r.pttl(keys.rate);
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThanOrEqual(60_000);
    expect(await r.get(keys.used)).toBe("20");
  });

  it("forgets a reservation never settled (its instance died) once it lapses", async () => {
    const { store } = await redisStore(redis().url);
    const client = fresh();
    const now = Date.now();
    expect(await store.reserveTokens(client, 100, 100, now)).toBe(true);
    expect(await store.reserveTokens(client, 1, 100, now + RESERVATION_TTL_MS - 1)).toBe(false);
    expect(await store.reserveTokens(client, 1, 100, now + RESERVATION_TTL_MS + 1)).toBe(true);
  });

  it("admits exactly what the budget allows when two instances reserve at once", async () => {
    const a = (await redisStore(redis().url)).store;
    const b = (await redisStore(redis().url)).store;
    const client = fresh();
    const now = Date.now();
    // 30-token reservations against 1000: admitted while 0, 30, ..., 990 < 1000, so 34.
    const admitted = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).reserveTokens(client, 30, 1000, now)),
    );
    expect(admitted.filter(Boolean)).toHaveLength(34);
  });

  it("fails at once with LimitStoreUnavailable, and logs it once, when Redis cannot be reached", async () => {
    const { store, logs } = await redisStore("redis://127.0.0.1:1");
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      await expect(store.reserveTokens(fresh(), 1, 100, Date.now())).rejects.toThrow(LimitStoreUnavailable);
      await expect(store.takeRequest(fresh(), 1, Date.now())).rejects.toThrow(LimitStoreUnavailable);
      expect(Date.now() - t0).toBeLessThan(200);
    }
    const outages = logs.filter((l) => l.includes("limits store unavailable"));
    expect(outages).toHaveLength(1);
    expect(JSON.parse(outages[0]!)).toMatchObject({ level: "error", redis: "redis://127.0.0.1:1" });
  });

  it("fails within the command timeout when Redis is connected but silent, and recovers", async () => {
    const { store, logs } = await redisStore(redis().url);
    const client = fresh();
    redis().freeze();
    try {
      const t0 = Date.now();
      await expect(store.reserveTokens(client, 1, 100, Date.now())).rejects.toThrow(LimitStoreUnavailable);
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      redis().thaw();
    }
    expect(await store.reserveTokens(client, 1, 100, Date.now())).toBe(true);
    expect(logs.filter((l) => l.includes("limits store unavailable"))).toHaveLength(1);
    expect(logs.filter((l) => l.includes("limits store is back"))).toHaveLength(1);
  });
});
