/**
 * Per-client request rate and daily token budget. Behind an interface so several server instances
 * can share one store (e.g. Redis); the in-memory store serves one instance.
 */

export interface LimitStore {
  /** Takes one request from the client's bucket; returns seconds to wait when it is empty. */
  takeRequest(client: string, perMinute: number, now: number): Promise<number | undefined>;
  /** Tokens the client has used today (UTC). */
  tokensToday(client: string, now: number): Promise<number>;
  addTokens(client: string, tokens: number, now: number): Promise<void>;
}

const day = (now: number) => Math.floor(now / 86_400_000);

export function secondsUntilNextUtcDay(now: number): number {
  return Math.ceil(((day(now) + 1) * 86_400_000 - now) / 1000);
}

export class InMemoryLimitStore implements LimitStore {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly usage = new Map<string, { day: number; tokens: number }>();

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

  async tokensToday(client: string, now: number): Promise<number> {
    const u = this.usage.get(client);
    return u && u.day === day(now) ? u.tokens : 0;
  }

  async addTokens(client: string, tokens: number, now: number): Promise<void> {
    const today = day(now);
    const u = this.usage.get(client);
    this.remember(this.usage, client, { day: today, tokens: (u && u.day === today ? u.tokens : 0) + tokens });
  }

  /** Bounded memory: the oldest clients are forgotten first. */
  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.maxClients) map.delete(map.keys().next().value!);
  }
}
