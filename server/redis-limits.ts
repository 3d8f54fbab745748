/**
 * The limits on Redis, shared by every instance that points TANDEM_REDIS_URL at the same Redis.
 *
 * Requests per minute: rate-limiter-flexible's RateLimiterRedis, a fixed 60-second window per
 * client counted atomically in Redis (its clock, not `now`).
 *
 * Daily tokens: two Lua scripts, each one atomic step. rate-limiter-flexible's consume/reward
 * cannot express the reservation exactly: it admits when the total *after* adding fits under a
 * fixed `points` (so a reservation bigger than the budget is never admitted, where the contract
 * admits while used + reserved is still under it), a refused consume stays counted until it is
 * rewarded in a second step (other instances see the inflated total meanwhile), and it has no
 * reservation that expires by itself. Here each open reservation is a member "tokens:id" of a
 * per-client sorted set scored by when it lapses, so one left open by an instance that died
 * mid-request stops counting after RESERVATION_TTL_MS; usage is a counter per client and UTC day
 * that expires when its day ends. Keys share a hash tag per client, for Redis Cluster.
 */

import { randomUUID } from "node:crypto";
import type { Result } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { type LimitStore, msUntilNextUtcDay, utcDay } from "./limits";
import type { RedisConnection } from "./redis-connection";

/** Longer than any request holds its reservation (upstream timeout plus a long stream). */
export const RESERVATION_TTL_MS = 15 * 60_000;

// KEYS: today's usage, open reservations. ARGV: tokens, budget, now, lapses at, id, reservations' TTL.
const RESERVE = `
redis.call('zremrangebyscore', KEYS[2], '-inf', ARGV[3])
local open = 0
for _, m in ipairs(redis.call('zrange', KEYS[2], 0, -1)) do
  open = open + tonumber(string.match(m, '^%d+'))
end
if tonumber(redis.call('get', KEYS[1]) or '0') + open >= tonumber(ARGV[2]) then return 0 end
redis.call('zadd', KEYS[2], ARGV[4], ARGV[1] .. ':' .. ARGV[5])
redis.call('pexpire', KEYS[2], ARGV[6])
return 1`;

// KEYS: as above. ARGV: tokens reserved, tokens used, ms until the UTC day ends.
// Reservations of the same size are interchangeable, so the one that lapses first goes.
const SETTLE = `
for _, m in ipairs(redis.call('zrange', KEYS[2], 0, -1)) do
  if string.match(m, '^%d+') == ARGV[1] then
    redis.call('zrem', KEYS[2], m)
    break
  end
end
if tonumber(ARGV[2]) > 0 then
  redis.call('incrby', KEYS[1], ARGV[2])
  redis.call('pexpire', KEYS[1], ARGV[3])
end
return 1`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    tandemReserve(...keysAndArgs: Array<string | number>): Result<number, Context>;
    tandemSettle(...keysAndArgs: Array<string | number>): Result<number, Context>;
  }
}

/** Key names, exported for the tests that check their expiry. */
export const redisKeys = (client: string, now: number) => ({
  rate: `tandem:rate:${client}`,
  used: `tandem:{${client}}:used:${utcDay(now)}`,
  reserved: `tandem:{${client}}:reserved`,
});

const wholeTokens = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0);

export class RedisLimitStore implements LimitStore {
  private readonly rateLimiters = new Map<number, RateLimiterRedis>();

  constructor(private readonly redis: RedisConnection) {
    redis.client.defineCommand("tandemReserve", { numberOfKeys: 2, lua: RESERVE });
    redis.client.defineCommand("tandemSettle", { numberOfKeys: 2, lua: SETTLE });
  }

  takeRequest(client: string, perMinute: number, _now: number): Promise<number | undefined> {
    const limiter = this.rateLimiter(perMinute);
    return this.redis.run(() =>
      limiter.consume(client).then(
        () => undefined,
        (refused: unknown) => {
          if (!(refused instanceof RateLimiterRes)) throw refused;
          return Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
        },
      ),
    );
  }

  async reserveTokens(client: string, tokens: number, budget: number, now: number): Promise<boolean> {
    const k = redisKeys(client, now);
    const admitted = await this.redis.run((r) =>
      r.tandemReserve(
        k.used,
        k.reserved,
        wholeTokens(tokens),
        budget,
        now,
        now + RESERVATION_TTL_MS,
        randomUUID(),
        RESERVATION_TTL_MS,
      ),
    );
    return admitted === 1;
  }

  async settleTokens(client: string, reserved: number, used: number, now: number): Promise<void> {
    const k = redisKeys(client, now);
    await this.redis.run((r) =>
      r.tandemSettle(k.used, k.reserved, wholeTokens(reserved), wholeTokens(used), msUntilNextUtcDay(now)),
    );
  }

  ready(): Promise<void> {
    return this.redis.ready();
  }

  close(): Promise<void> {
    return this.redis.close();
  }

  private rateLimiter(perMinute: number): RateLimiterRedis {
    let limiter = this.rateLimiters.get(perMinute);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis.client,
        keyPrefix: "tandem:rate",
        points: perMinute,
        duration: 60,
        rejectIfRedisNotReady: true,
      });
      this.rateLimiters.set(perMinute, limiter);
    }
    return limiter;
  }
}
