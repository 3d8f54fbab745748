/**
 * The connection to the Redis that holds the shared limits. No call can hang a request: with no
 * connection a command fails at once (no offline queue), a Redis that is connected but silent fails
 * it after COMMAND_TIMEOUT_MS, and nothing is sent again after a reconnect (a reservation re-sent
 * after its caller gave up would never be settled). It reconnects for ever, and logs one line when
 * Redis goes away and one when it is back, however many requests are refused meanwhile.
 */

import { once } from "node:events";
import { Redis, ReplyError } from "ioredis";
import { LimitStoreUnavailable } from "./limits";
import type { Logger } from "./log";

/** Where a Redis URL points, without its credentials (for logs). */
export const redisLocation = (url: string): string => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};

const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 2000;
const MAX_RECONNECT_DELAY_MS = 2000;

export class RedisConnection {
  readonly client: Redis;
  private readonly where: string;
  private up: boolean | undefined;
  private closing = false;

  constructor(
    url: string,
    private readonly log: Logger,
  ) {
    this.where = redisLocation(url);
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    });
    this.client.on("ready", () => this.markUp());
    this.client.on("error", (e: Error) => this.markDown(e.message));
    this.client.on("close", () => this.markDown("connection closed"));
  }

  /**
   * Runs commands; a failure to reach Redis becomes LimitStoreUnavailable. An error reply is a bug
   * (a script or a key of the wrong type), not an outage, and is thrown as it is.
   */
  async run<T>(commands: (client: Redis) => Promise<T>): Promise<T> {
    try {
      const result = await commands(this.client);
      this.markUp();
      return result;
    } catch (e) {
      if (e instanceof ReplyError) throw e;
      this.markDown((e as Error).message);
      throw new LimitStoreUnavailable(`Redis at ${this.where} does not answer: ${(e as Error).message}`);
    }
  }

  /** Resolves once connected, at the first connection error, or after CONNECT_TIMEOUT_MS. */
  async ready(): Promise<void> {
    if (this.client.status === "ready") return;
    await once(this.client, "ready", { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) }).catch(() => {});
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private markUp(): void {
    if (this.up === false)
      this.log.info("limits store is back: Redis answers again; cloud requests are served", {
        redis: this.where,
      });
    this.up = true;
  }

  private markDown(error: string): void {
    if (this.up === false || this.closing) return;
    this.up = false;
    this.log.error("limits store unavailable: Redis does not answer; cloud requests get 503 until it does", {
      redis: this.where,
      error,
    });
  }
}
