/**
 * Per-client request rate and daily token budget. Behind an interface so several server instances
 * can share one store (Redis, redis-limits.ts); the in-memory store serves one instance.
 */

export interface LimitStore {
  /** Takes one request from the client's bucket; returns seconds to wait when it is empty. */
  takeRequest(client: string, perMinute: number, now: number): Promise<number | undefined>;
  /**
   * Sets `tokens` aside from the client's daily (UTC) budget before a request is forwarded, when
   * what it used today plus its open reservations is still under `budget`; false when not. So
   * concurrent requests cannot all pass, and the budget is overshot by one request's reservation at most.
   */
  reserveTokens(client: string, tokens: number, budget: number, now: number): Promise<boolean>;
  /** Replaces a reservation with the tokens the request really used (0 releases it). */
  settleTokens(client: string, reserved: number, used: number, now: number): Promise<void>;
  /** For a store behind a network: resolves once it answers, or once it has waited long enough. */
  ready?(): Promise<void>;
  close?(): Promise<void>;
}

/**
 * A store that cannot answer (Redis down or silent). The server fails closed: the request is
 * refused with 503 rather than let through unlimited.
 */
export class LimitStoreUnavailable extends Error {
  override name = "LimitStoreUnavailable";
}

const DAY_MS = 86_400_000;

/** The UTC day `now` falls in, as a day number (the key of a daily budget). */
export const utcDay = (now: number) => Math.floor(now / DAY_MS);

export const msUntilNextUtcDay = (now: number) => (utcDay(now) + 1) * DAY_MS - now;

export function secondsUntilNextUtcDay(now: number): number {
  return Math.ceil(msUntilNextUtcDay(now) / 1000);
}

export class InMemoryLimitStore implements LimitStore {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly usage = new Map<string, { day: number; tokens: number }>();
  /** Tokens set aside by requests in flight (entries go when they settle, so this stays small). */
  private readonly reserved = new Map<string, number>();

  constructor(private readonly maxClients = 100_000) {}

  async takeRequest(client: string, perMinute: number, now: number): Promise<number | undefined> {
    const refillPerMs = perMinute / 60_000;
    const b = this.buckets.get(client) ?? { tokens: perMinute, at: now };
    b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * refillPerMs);
    b.at = now;
    this.remember(this.buckets, client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / refillPerMs / 1000));
  }

  async reserveTokens(client: string, tokens: number, budget: number, now: number): Promise<boolean> {
    const reserved = this.reserved.get(client) ?? 0;
    if (this.usedToday(client, now) + reserved >= budget) return false;
    this.reserved.set(client, reserved + tokens);
    return true;
  }

  async settleTokens(client: string, reserved: number, used: number, now: number): Promise<void> {
    const open = (this.reserved.get(client) ?? 0) - reserved;
    if (open > 0) this.reserved.set(client, open);
    else this.reserved.delete(client);
    this.remember(this.usage, client, { day: utcDay(now), tokens: this.usedToday(client, now) + used });
  }

  private usedToday(client: string, now: number): number {
    const u = this.usage.get(client);
    return u && u.day === utcDay(now) ? u.tokens : 0;
  }

  /** Bounded memory: the oldest clients are forgotten first. */
  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.maxClients) map.delete(map.keys().next().value!);
  }
}
